/**
 * An interactive QEMU run for the system tests: the machine's console as a stream the test
 * reads and types into (scripts/run-image.sh with stdin and stdout piped), with waits that
 * fail with everything printed so far.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'child_process';
import { TOP } from './helpers';

/** One partition's console lines (`[name] text`, prefix removed) in `out`. */
export function partitionLines(out: string, name: string): string[] {
  const prefix = `[${name}] `;
  return out.split('\n').filter(l => l.startsWith(prefix)).map(l => l.slice(prefix.length));
}

export class ConsoleSession {
  readonly child: ChildProcessWithoutNullStreams;
  /** Everything QEMU printed so far (stdout and stderr). */
  out = '';
  /** QEMU's exit status once it exited (null before, or when killed by a signal). */
  status: number | null = null;
  exited = false;
  readonly startMs = Date.now();
  private readonly exit: Promise<void>;
  private waiters: (() => void)[] = [];

  constructor(machine: string, image: string, env: Record<string, string> = {}) {
    this.child = spawn('scripts/run-image.sh', [machine, image], { cwd: TOP, env: { ...process.env, ...env } });
    const take = (d: Buffer): void => {
      this.out += d.toString('latin1');
      this.waiters.splice(0).forEach(w => w());
    };
    this.child.stdout.on('data', take);
    this.child.stderr.on('data', take);
    this.exit = new Promise(resolve => this.child.on('close', status => {
      this.status = status;
      this.exited = true;
      this.waiters.splice(0).forEach(w => w());
      resolve();
    }));
  }

  /** Wait until `pattern` matches the output after offset `from`; its match (with the end offset). */
  async waitFor(pattern: RegExp, timeoutMs: number, from = 0): Promise<{ match: RegExpExecArray; end: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.out.slice(from);
      const m = pattern.exec(rest);
      if (m) return { match: m, end: from + m.index + m[0].length };
      if (this.exited) throw new Error(`QEMU exited (${this.status}) before ${pattern}:\n${this.out}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${this.out}`);
      await new Promise<void>(resolve => {
        const t = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  /** Type `text` on the console. */
  type(text: string): void {
    this.child.stdin.write(text);
  }

  /**
   * Run a shell command in the partition `name` (which has the focus) and return its output
   * lines: the command is bracketed by two markers the shell prints, spelled so that the echo
   * of the typed line never contains them.
   */
  async shell(name: string, command: string, timeoutMs = 60000): Promise<string[]> {
    const id = Math.floor(Math.random() * 1e9).toString(36);
    const from = this.out.length;
    this.type(`echo @@B''${id}; ${command}; echo @@E''${id}\n`);
    const prefix = `\\[${name}\\] `;
    const end = await this.waitFor(new RegExp(`^${prefix}@@E${id}$`, 'm'), timeoutMs, from);
    const begin = await this.waitFor(new RegExp(`^${prefix}@@B${id}$`, 'm'), 0, from);
    return partitionLines(this.out.slice(begin.end, end.end), name).slice(0, -1);
  }

  /** Wait for QEMU to exit (killing it after `timeoutMs`); its status. */
  async done(timeoutMs: number): Promise<number | null> {
    const t = setTimeout(() => this.child.kill('SIGTERM'), timeoutMs);
    await this.exit;
    clearTimeout(t);
    return this.status;
  }

  kill(): void {
    if (!this.exited) this.child.kill('SIGTERM');
  }
}
