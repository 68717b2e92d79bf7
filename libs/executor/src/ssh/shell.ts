/**
 * Building command lines for a remote POSIX shell. Everything that crosses SSH
 * is a string the remote `sh` parses, so every argument we did not write
 * ourselves goes through `quote`: single quotes make the shell take the text
 * literally, whatever it holds (`;`, `$( )`, backticks, newlines...).
 */

/** One argument, quoted so that the remote shell passes it through unchanged. */
export function quote(argument: string): string {
  if (argument.includes('\0')) {
    // A NUL byte cannot be passed in an argument at all; refuse rather than truncate.
    throw new Error('an argument contains a NUL byte');
  }
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(argument)) return argument;

  return `'${argument.replace(/'/g, `'\\''`)}'`;
}

/** An argument vector as one command line: each word quoted. */
export function command(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');

  return argv.map(quote).join(' ');
}

/**
 * A script assembled from pieces the executor wrote, with every outside value
 * quoted. `raw` lines are our own shell text; `run` lines are argument vectors.
 */
export class Script {
  private readonly lines: string[] = [];

  raw(line: string): this {
    this.lines.push(line);

    return this;
  }

  run(argv: readonly string[]): this {
    return this.raw(command(argv));
  }

  /** Exports a variable whose value is quoted. */
  export(name: string, value: string): this {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new Error(`bad variable name ${name}`);

    return this.raw(`${name}=${quote(value)}; export ${name}`);
  }

  toString(): string {
    return this.lines.join('\n');
  }
}
