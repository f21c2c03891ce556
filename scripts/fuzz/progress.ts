/**
 * Progress on stderr: a line rewritten in place on a terminal (bold counts unless NO_COLOR), and
 * on anything else one plain line every tenth of the work, so logs stay short.
 * @module
 */
export interface Progress {
  update(progress: { done: number; total: number; failures: number }): void;
  end(): void;
}

export function progressReporter(stream: NodeJS.WriteStream, label: string): Progress {
  const tty = stream.isTTY === true;
  const color = tty && !process.env.NO_COLOR;
  const started = Date.now();
  let lastStep = -1;
  const line = ({ done, total, failures }: { done: number; total: number; failures: number }) => {
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    const failed = failures ? (color ? `\x1b[31m${failures} failing\x1b[0m` : `${failures} failing`) : '0 failing';
    return `${label}: ${done}/${total} cases, ${failed}, ${seconds} s`;
  };
  return {
    update(progress) {
      if (tty) {
        stream.write(`\r${line(progress)}\x1b[K`);
        return;
      }
      const step = Math.floor((progress.done * 10) / progress.total);
      if (step !== lastStep) {
        lastStep = step;
        stream.write(`${line(progress)}\n`);
      }
    },
    end() {
      if (tty) stream.write('\n');
    },
  };
}
