/**
 * The Azure SDKs the app needs on first use, gathered in one module so the deployment build
 * emits them as one file (dist/functions/azure-sdks.js): read and compiled when an event first
 * needs a credential, a queue or a table, not when the worker imports the app. Blob storage
 * stays out: its ESM build reads import.meta.url, so it loads from node_modules.
 */
export * as identity from '@azure/identity';
export * as serviceBus from '@azure/service-bus';
export * as tables from '@azure/data-tables';
