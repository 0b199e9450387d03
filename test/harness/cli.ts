/**
 * Runs the built CLI (`bin/replicated-registries`) as a vendor would: a child process with stdin fed
 * and closed, and a deadline so a hang fails the test instead of stalling it. Every run's output is
 * kept in a transcript, so a test can prove afterwards that no secret was ever printed.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const BIN = path.resolve(__dirname, '..', '..', 'bin', 'replicated-registries');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  input?: string;
}

/**
 * A runner that appends each run's stdout and stderr (in that order) to `transcript`. `command`: an
 * installed `replicated-registries` to run as is (found through its shebang and PATH), instead of the
 * checkout's bin through this Node.js.
 */
export function cliRunner(transcript: string[], command?: string): (args: string[], options: CliRunOptions) => Promise<CliRun> {
  return (args, options) =>
    new Promise((resolve, reject) => {
      const [file, argv] = command ? [command, args] : [process.execPath, [BIN, ...args]];
      const child = spawn(file, argv, { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const deadline = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`replicated-registries ${args.join(' ')} did not finish within 60 s\nstdout: ${stdout}\nstderr: ${stderr}`));
      }, 60_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(deadline);
        transcript.push(stdout, stderr);
        resolve({ code, stdout, stderr });
      });
      child.stdin.end(options.input ?? '');
    });
}

/** Every file below `dir` (none when it does not exist). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? filesUnder(path.join(dir, d.name)) : [path.join(dir, d.name)]));
}
