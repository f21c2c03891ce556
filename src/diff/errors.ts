/** The one error the diff raises for input it cannot use: the CLI prints it on one line and exits 2. @module */

/** An OLD or NEW source that cannot be read, parsed or understood; `message` names the culprit. */
export class DiffInputError extends Error {
  override name = 'DiffInputError';
}
