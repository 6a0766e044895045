// Stands in for the Azure Functions Node worker around one app entry (argv[2]): it provides
// `@azure/functions-core` the way the worker does (intercepting the require), collects what the
// app registers, then asks @azure/functions' own invocation model to turn a Service Bus message,
// encoded the way the host sends it to an `sdkBinding: true` trigger, into handler arguments.
// Prints one JSON line for test/build/service-bus-sdk-binding.test.ts.
const Module = require('node:module');
const path = require('node:path');

const registered = [];
let programmingModel;
const core = {
  setProgrammingModel: (model) => (programmingModel = model),
  registerFunction: (metadata, callback) => registered.push({ metadata, callback }),
  log: () => {},
};
const load = Module._load;
Module._load = function (request, ...rest) {
  return request === '@azure/functions-core' ? core : load.call(this, request, ...rest);
};

const extensionLoaded = () => Object.keys(require.cache).some((file) => file.includes('functions-extensions-servicebus/dist/'));

require(path.resolve(process.argv[2]));
const loadedAtImport = extensionLoaded();

// Where the host's settlement gRPC endpoint would be (the extension reads these from argv; nothing connects here).
process.argv.push('--host', '127.0.0.1', '--port', '1', '--functions-grpc-max-message-length', '1048576');

const rhea = require('rhea');
const lockToken = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
const amqp = rhea.message.encode({
  message_id: 'evt-42',
  group_id: 'employee-1001',
  content_type: 'application/json',
  application_properties: { tenantId: 'default' },
  body: rhea.message.data_section(Buffer.from(JSON.stringify({ eventId: 'evt-42', type: 'joiner' }))),
});
const content = Buffer.concat([lockToken, Buffer.from('x-opt-lock-token'), amqp]);

(async () => {
  const processEvent = registered.find((r) => r.metadata.name === 'process-event');
  const [bindingName, trigger] = Object.entries(processEvent.metadata.bindings).find(([, b]) => b.type === 'serviceBusTrigger');
  const invocation = programmingModel.getInvocationModel({
    invocationId: 'inv-1',
    metadata: { name: 'process-event', bindings: processEvent.metadata.bindings },
    request: {
      invocationId: 'inv-1',
      triggerMetadata: {},
      inputData: [{ name: bindingName, data: { modelBindingData: { content, source: 'AzureServiceBusReceivedMessage', contentType: 'application/octet-stream', version: '1.0' } } }],
    },
    log: () => {},
  });
  let args;
  let error;
  try {
    args = await invocation.getArguments();
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const input = args?.inputs[0];
  const message = input && (Array.isArray(input.messages) ? input.messages[0] : input.messages);
  console.log(JSON.stringify({
    functions: registered.map((r) => r.metadata.name),
    trigger,
    loadedAtImport,
    loadedAfterMessage: extensionLoaded(),
    error,
    message: message && { messageId: message.messageId, sessionId: message.sessionId, lockToken: message.lockToken, body: message.body, applicationProperties: message.applicationProperties },
    actions: input && ['complete', 'abandon', 'deadletter'].filter((name) => typeof input.actions?.[name] === 'function'),
  }));
})();
