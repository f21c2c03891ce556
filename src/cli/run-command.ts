/**
 * Owns exit codes and how failures print, so handlers only throw: 0 ok, 1 the command's own
 * failure (invalid payload, breaking change, ...), 2 usage error or a problem before work started.
 * @module
 */

/** Wrong flags or arguments: printed with the usage line, exit 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure already explained to the user: printed as is, with its exit code. */
export class CommandFailure extends Error {
  override name = 'CommandFailure';
  constructor(message: string, readonly exitCode: 1 | 2 = 1) {
    super(message);
  }
}

export type CommandHandler = (args: string[]) => Promise<number | void>;

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

export async function runCommand(handler: CommandHandler, args: string[], usage: string): Promise<number> {
  try {
    return (await handler(args)) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`sambakit: ${error.message}\n${usage}\n`);
      return 2;
    }
    if (error instanceof CommandFailure) {
      process.stderr.write(`sambakit: ${error.message}\n`);
      return error.exitCode;
    }
    // One line, no stack: the message says what failed; a trace is for a debugger, not a user.
    process.stderr.write(`sambakit: unexpected error (likely a bug): ${oneLine(error instanceof Error ? error.message : String(error))}\n`);
    return 1;
  }
}
