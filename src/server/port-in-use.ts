/** The listen error every sambakit server reports (the reference server, the proxy): a port already taken. @module */

export class PortInUseError extends Error {
  constructor(readonly host: string, readonly port: number) {
    super(`port ${port} on ${host} is already in use; pick another with --port or PORT`);
    this.name = 'PortInUseError';
  }
}
