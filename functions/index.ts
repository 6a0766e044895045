// Entry point for the Azure Functions host (package.json "main"). Registers every declared
// function with the v4 programming model, after the Service Bus SDK binding's factory, so
// `sdkBinding: true` triggers receive messages plus settlement actions.
import { app } from '@azure/functions';
import { registerServiceBusSdkBinding } from '../shared/hosting/service-bus-sdk-binding';
import type { FunctionDeclaration } from '../shared/hosting/function-declarations';
import { functionDeclarations } from './declarations';

export function registerWithFunctionsHost(declaration: FunctionDeclaration): void {
  switch (declaration.kind) {
    case 'http':
      app.http(declaration.name, {
        route: declaration.route,
        methods: declaration.methods,
        authLevel: declaration.authLevel,
        handler: declaration.handler,
      });
      return;
    case 'serviceBusQueue':
      app.serviceBusQueue(declaration.name, {
        queueName: declaration.queueName,
        connection: declaration.connection,
        isSessionsEnabled: declaration.isSessionsEnabled,
        cardinality: 'one',
        sdkBinding: true,
        autoCompleteMessages: false,
        // The SDK binding hands over { messages, actions } instead of the message body.
        handler: declaration.handler as unknown as (message: unknown, context: import('@azure/functions').InvocationContext) => Promise<void>,
      });
      return;
    case 'timer':
      app.timer(declaration.name, { schedule: declaration.schedule, handler: declaration.handler });
      return;
  }
}

registerServiceBusSdkBinding();
for (const declaration of functionDeclarations) registerWithFunctionsHost(declaration);
