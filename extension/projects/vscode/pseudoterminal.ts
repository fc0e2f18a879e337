// The terminal of an `mlflow` task: shows the run's output as it comes, forwards typed input to the process,
// and stops the run (the whole process group; the run ends KILLED) when the task is terminated or on Ctrl+C.
import * as vscode from 'vscode';
import type { Run } from '../../tracking/rest/types';
import { ProjectRunExecution, type RunOutcome, type RunRequest } from '../system/execution';

export interface TerminalHooks {
  runCreated?(run: Run): void;
  finished?(outcome: RunOutcome): void;
}

/** Terminals need CRLF; a lone LF would only move down a line. */
function toTerminal(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/** Runs in progress in this window: stopped when the extension deactivates, so no process outlives it unseen. */
const active = new Set<ProjectRunExecution>();

export function stopAllProjectRuns(): void {
  for (const e of active) e.stop();
}

export class ProjectPseudoterminal implements vscode.Pseudoterminal {
  private readonly writeEmitter = new vscode.EventEmitter<string>();
  private readonly closeEmitter = new vscode.EventEmitter<number>();
  readonly onDidWrite = this.writeEmitter.event;
  readonly onDidClose = this.closeEmitter.event;
  private execution: ProjectRunExecution | undefined;

  constructor(
    private readonly request: () => Promise<RunRequest>,
    private readonly hooks: TerminalHooks = {},
  ) {}

  open(): void {
    void this.run();
  }

  private async run(): Promise<void> {
    let request: RunRequest;
    try {
      request = await this.request();
    } catch (e) {
      this.writeEmitter.fire(toTerminal(`${(e as Error).message}\n`));
      this.closeEmitter.fire(1);
      return;
    }
    this.execution = new ProjectRunExecution(request, {
      output: (text) => this.writeEmitter.fire(toTerminal(text)),
      runCreated: (run) => this.hooks.runCreated?.(run),
    });
    active.add(this.execution);
    const outcome = await this.execution.start().finally(() => active.delete(this.execution!));
    this.hooks.finished?.(outcome);
    const code = outcome.status === 'FINISHED' ? 0 : typeof outcome.exitCode === 'number' && outcome.exitCode !== 0 ? outcome.exitCode : 1;
    this.closeEmitter.fire(code);
  }

  handleInput(data: string): void {
    if (data === '\x03') {
      this.writeEmitter.fire('^C\r\n');
      this.execution?.stop();
      return;
    }
    // Echo what is typed (the process reads a pipe, not a tty, so nothing else would show it).
    this.writeEmitter.fire(data === '\r' ? '\r\n' : data);
    this.execution?.input(data === '\r' ? '\n' : data);
  }

  close(): void {
    this.execution?.stop();
  }
}
