/** `sambakit/server`: the reference server. @module */
export { createRequestListener, type AppOptions } from './app.js';
export { startServer, PortInUseError, type ServeOptions, type RunningServer } from './serve.js';
