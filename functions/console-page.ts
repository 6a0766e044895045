import type { HttpFunctionDeclaration } from '../shared/hosting/function-declarations';
import { serveConsoleAsset, serveConsolePage } from '../shared/console-page/page';

/**
 * The console page and its assets. Anonymous at the Functions layer like every console route:
 * in Azure, App Service Authentication sits in front; the JSON routes the page reads check the
 * caller's role themselves (docs/console.md).
 */
export const consolePageFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'console-page',
  route: 'console',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: serveConsolePage,
};

export const consoleAssetFunction: HttpFunctionDeclaration = {
  kind: 'http',
  name: 'console-asset',
  route: 'console/assets/{file}',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: serveConsoleAsset,
};
