import { execa } from 'execa';

/*
 * A real pseudo-terminal through tmux: the CLI sees a TTY on stdin and stdout, exactly as in a
 * user's shell, and the test types keys and reads the screen. Each test gets its own tmux server
 * (-L), so nothing else running tmux on the machine is touched.
 */

export async function tmuxMissing(): Promise<string | null> {
  const version = await execa('tmux', ['-V'], { reject: false });
  return version.exitCode === 0 ? null : 'the pseudo-terminal test needs tmux, which is not installed (apt-get install -y tmux)';
}

export class Terminal {
  private readonly socket = `stagecraft-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  private tmux(args: string[]) {
    return execa('tmux', ['-L', this.socket, ...args]);
  }

  /** Starts `command` in a 120x50 terminal; the exit status is printed after it, and the pane stays. */
  async start(command: string, cwd: string): Promise<void> {
    // CI=true makes clack draw for logs; a user's terminal does not set it.
    const shell = `cd '${cwd}' && env -u CI ${command}; echo "EXIT=$?"; sleep 600`;
    await this.tmux(['new-session', '-d', '-x', '120', '-y', '50', '-s', 'main', shell]);
  }

  /** The screen as text; `escapes`: with the colour sequences the program wrote. */
  async screen(escapes = false): Promise<string> {
    return (await this.tmux(['capture-pane', '-p', '-J', ...(escapes ? ['-e'] : []), '-S', '-200', '-t', 'main'])).stdout;
  }

  /** Waits until the screen shows `text`, and returns the screen. */
  async waitFor(text: string | RegExp, seconds = 20): Promise<string> {
    const deadline = Date.now() + seconds * 1000;
    let last = '';
    while (Date.now() < deadline) {
      last = await this.screen();
      if (typeof text === 'string' ? last.includes(text) : text.test(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`the terminal never showed ${String(text)}; it shows:\n${last}`);
  }

  /** Key names as tmux knows them: Enter, Up, Down, C-c, or literal text. */
  async press(...keys: string[]): Promise<void> {
    await this.tmux(['send-keys', '-t', 'main', ...keys]);
  }

  async stop(): Promise<void> {
    await execa('tmux', ['-L', this.socket, 'kill-server'], { reject: false });
  }
}
