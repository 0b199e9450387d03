/**
 * A multi-step QuickInput with a Back button: each step is a function that shows one input and
 * returns the next step. Back pops to the previous step; Escape cancels the whole flow.
 * (The pattern of vscode-extension-samples' quickinput-sample, with dynamic step counts.)
 */
import * as vscode from 'vscode';

/** Thrown (as a rejection) to leave a step: Back pops the stack, cancel ends the flow. */
export class InputFlowAction extends Error {
  static readonly back = new InputFlowAction('back');
  static readonly cancel = new InputFlowAction('cancelled');
}

export type InputStep = (input: MultiStepInput) => Promise<InputStep | void>;

export interface StepPosition {
  title: string;
  step: number;
  totalSteps: number;
}

export interface QuickPickParameters<T extends vscode.QuickPickItem> extends StepPosition {
  items: readonly T[];
  activeItem?: T;
  placeholder: string;
  /** Recomputes the items as the user types (free text entries). */
  itemsForValue?: (value: string) => readonly T[];
  value?: string;
  /** Keeps the typed text when an item is picked (matchOnDescription etc. stay default). */
  matchOnDetail?: boolean;
}

export interface MultiPickParameters<T extends vscode.QuickPickItem> extends StepPosition {
  items: readonly T[];
  selected: readonly T[];
  placeholder: string;
}

export interface InputBoxParameters extends StepPosition {
  value: string;
  prompt: string;
  placeholder?: string;
  password?: boolean;
  /** Returns the problem (shown under the box as you type), or undefined when acceptable. */
  validate: (value: string) => string | undefined | Promise<string | undefined>;
}

export class MultiStepInput {
  private current: vscode.QuickInput | undefined;
  private readonly steps: InputStep[] = [];

  /** Runs the flow. Resolves true when it finished, false when cancelled. */
  static async run(start: InputStep): Promise<boolean> {
    return new MultiStepInput().stepThrough(start);
  }

  private async stepThrough(start: InputStep): Promise<boolean> {
    let step: InputStep | void = start;
    try {
      while (step) {
        this.steps.push(step);
        if (this.current) {
          this.current.enabled = false;
          this.current.busy = true;
        }
        try {
          step = await step(this);
        } catch (error) {
          if (error === InputFlowAction.back) {
            this.steps.pop();
            step = this.steps.pop();
          } else if (error === InputFlowAction.cancel) {
            return false;
          } else {
            throw error;
          }
        }
      }
      return true;
    } finally {
      this.current?.dispose();
    }
  }

  /** Hides the current input (e.g. before a file dialog, which may itself be a quick input). */
  hide(): void {
    this.current?.dispose();
    this.current = undefined;
  }

  /** Shows progress on the current input while `work` runs. */
  async busy<T>(message: string, work: () => Promise<T>): Promise<T> {
    const input = this.current;
    if (!input) return work();
    const previousTitle = input.title;
    input.busy = true;
    input.enabled = false;
    input.title = `${previousTitle ?? ''} — ${message}`;
    try {
      return await work();
    } finally {
      input.busy = false;
      input.enabled = true;
      input.title = previousTitle;
    }
  }

  showQuickPick<T extends vscode.QuickPickItem>(parameters: QuickPickParameters<T>): Promise<T> {
    const disposables: vscode.Disposable[] = [];
    return new Promise<T>((resolve, reject) => {
      const input = vscode.window.createQuickPick<T>();
      this.configure(input, parameters);
      input.placeholder = parameters.placeholder;
      input.ignoreFocusOut = true;
      input.matchOnDetail = parameters.matchOnDetail ?? false;
      input.matchOnDescription = true;
      if (parameters.value !== undefined) input.value = parameters.value;
      const itemsFor = parameters.itemsForValue;
      input.items = itemsFor ? itemsFor(input.value) : parameters.items;
      if (parameters.activeItem) input.activeItems = [parameters.activeItem];
      if (itemsFor) {
        // Free text: the typed value is the first item, so filtering must not hide it.
        input.matchOnDescription = false;
        disposables.push(input.onDidChangeValue((value) => (input.items = itemsFor(value))));
      }
      disposables.push(
        input.onDidTriggerButton((button) => {
          if (button === vscode.QuickInputButtons.Back) reject(InputFlowAction.back);
        }),
        input.onDidAccept(() => {
          const picked = input.selectedItems[0] ?? input.activeItems[0];
          if (picked) resolve(picked);
        }),
        input.onDidHide(() => reject(InputFlowAction.cancel)),
      );
      this.replaceCurrent(input);
    }).finally(() => disposeAll(disposables));
  }

  showMultiPick<T extends vscode.QuickPickItem>(parameters: MultiPickParameters<T>): Promise<readonly T[]> {
    const disposables: vscode.Disposable[] = [];
    return new Promise<readonly T[]>((resolve, reject) => {
      const input = vscode.window.createQuickPick<T>();
      this.configure(input, parameters);
      input.canSelectMany = true;
      input.placeholder = parameters.placeholder;
      input.ignoreFocusOut = true;
      input.items = parameters.items;
      input.selectedItems = parameters.selected;
      disposables.push(
        input.onDidTriggerButton((button) => {
          if (button === vscode.QuickInputButtons.Back) reject(InputFlowAction.back);
        }),
        input.onDidAccept(() => resolve(input.selectedItems)),
        input.onDidHide(() => reject(InputFlowAction.cancel)),
      );
      this.replaceCurrent(input);
    }).finally(() => disposeAll(disposables));
  }

  showInputBox(parameters: InputBoxParameters): Promise<string> {
    const disposables: vscode.Disposable[] = [];
    return new Promise<string>((resolve, reject) => {
      const input = vscode.window.createInputBox();
      this.configure(input, parameters);
      input.value = parameters.value;
      input.prompt = parameters.prompt;
      input.placeholder = parameters.placeholder;
      input.password = parameters.password ?? false;
      input.ignoreFocusOut = true;
      let validating: Promise<string | undefined> = Promise.resolve(parameters.validate(parameters.value));
      const showValidation = async (value: string): Promise<string | undefined> => {
        const problem = await parameters.validate(value);
        // Only the latest keystroke's verdict is shown.
        if (input.value === value) input.validationMessage = problem;
        return problem;
      };
      void validating.then((problem) => {
        // No red message before the user typed anything into an empty box.
        if (parameters.value !== '') input.validationMessage = problem;
      });
      disposables.push(
        input.onDidTriggerButton((button) => {
          if (button === vscode.QuickInputButtons.Back) reject(InputFlowAction.back);
        }),
        input.onDidChangeValue((value) => {
          validating = showValidation(value);
        }),
        input.onDidAccept(async () => {
          const value = input.value;
          input.enabled = false;
          input.busy = true;
          await validating;
          const problem = await showValidation(value);
          if (!problem) resolve(value);
          input.enabled = true;
          input.busy = false;
        }),
        input.onDidHide(() => reject(InputFlowAction.cancel)),
      );
      this.replaceCurrent(input);
    }).finally(() => disposeAll(disposables));
  }

  private configure(input: vscode.QuickInput & { buttons: readonly vscode.QuickInputButton[] }, position: StepPosition): void {
    // A one-page input (the edit form and the field it opens) has no step counter.
    input.title = position.totalSteps > 1 ? `${position.title} (${position.step}/${position.totalSteps})` : position.title;
    input.step = undefined;
    input.totalSteps = undefined;
    input.buttons = this.steps.length > 1 ? [vscode.QuickInputButtons.Back] : [];
  }

  private replaceCurrent(input: vscode.QuickInput): void {
    const previous = this.current;
    this.current = input;
    // Showing the new input first avoids a flicker and a spurious hide-as-cancel of the old one.
    input.show();
    previous?.dispose();
  }
}

function disposeAll(disposables: vscode.Disposable[]): void {
  for (const disposable of disposables) disposable.dispose();
}
