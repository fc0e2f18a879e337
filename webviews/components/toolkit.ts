// The only module that touches @vscode/webview-ui-toolkit (deprecated upstream). Panels build controls through
// these factories, so replacing the toolkit means rewriting this file and nothing else.
import {
  provideVSCodeDesignSystem, vsCodeBadge, vsCodeButton, vsCodeCheckbox, vsCodeDivider, vsCodeDropdown, vsCodeOption, vsCodeProgressRing,
  vsCodeTag, vsCodeTextArea, vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(), vsCodeCheckbox(), vsCodeTextField(), vsCodeTextArea(), vsCodeDropdown(), vsCodeOption(), vsCodeProgressRing(), vsCodeBadge(),
    vsCodeDivider(), vsCodeTag(),
  );
}

/** Values and events of the toolkit's form controls, as plain DOM. */
interface ValueElement extends HTMLElement {
  value: string;
}
interface CheckElement extends HTMLElement {
  checked: boolean;
}

export interface ButtonOptions {
  /** 'primary' (default), 'secondary' or 'icon'. */
  appearance?: 'primary' | 'secondary' | 'icon';
  title?: string;
  disabled?: boolean;
  /** Test hook and e2e selector. */
  id?: string;
}

export function button(label: string, onClick: () => void, o: ButtonOptions = {}): HTMLElement {
  register();
  const b = document.createElement('vscode-button');
  b.textContent = label;
  if (o.appearance) b.setAttribute('appearance', o.appearance);
  if (o.title) b.setAttribute('title', o.title);
  if (o.id) b.id = o.id;
  if (o.disabled) b.setAttribute('disabled', '');
  b.addEventListener('click', () => {
    if (!b.hasAttribute('disabled')) onClick();
  });
  return b;
}

export function setDisabled(control: HTMLElement, disabled: boolean): void {
  control.toggleAttribute('disabled', disabled);
}

export function setLabel(control: HTMLElement, label: string): void {
  control.textContent = label;
}

export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void, id?: string): HTMLElement {
  register();
  const c = document.createElement('vscode-checkbox') as CheckElement;
  c.textContent = label;
  c.checked = checked;
  if (id) c.id = id;
  c.addEventListener('change', () => onChange(c.checked));
  return c;
}

export function setChecked(control: HTMLElement, checked: boolean): void {
  (control as CheckElement).checked = checked;
}

export interface TextFieldOptions {
  placeholder?: string;
  value?: string;
  id?: string;
  ariaLabel?: string;
  /** Fires on every keystroke. */
  onInput?: (value: string) => void;
  /** Fires on Enter. */
  onEnter?: (value: string) => void;
}

export function textField(o: TextFieldOptions): HTMLElement {
  register();
  const t = document.createElement('vscode-text-field') as ValueElement;
  if (o.placeholder) t.setAttribute('placeholder', o.placeholder);
  if (o.ariaLabel) t.setAttribute('aria-label', o.ariaLabel);
  if (o.id) t.id = o.id;
  t.value = o.value ?? '';
  if (o.onInput) t.addEventListener('input', () => o.onInput?.(t.value));
  if (o.onEnter) t.addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Enter') o.onEnter?.(t.value);
  });
  return t;
}

export function textArea(value: string, o: { rows?: number; id?: string; ariaLabel?: string } = {}): HTMLElement {
  register();
  const t = document.createElement('vscode-text-area') as ValueElement;
  t.setAttribute('rows', String(o.rows ?? 8));
  t.setAttribute('resize', 'vertical');
  if (o.ariaLabel) t.setAttribute('aria-label', o.ariaLabel);
  if (o.id) t.id = o.id;
  t.value = value;
  return t;
}

export function valueOf(control: HTMLElement): string {
  return (control as ValueElement).value ?? '';
}

export function setValue(control: HTMLElement, value: string): void {
  (control as ValueElement).value = value;
}

export function dropdown(options: Array<{ value: string; label: string }>, selected: string, onChange: (value: string) => void, id?: string): HTMLElement {
  register();
  const d = document.createElement('vscode-dropdown') as ValueElement;
  if (id) d.id = id;
  for (const o of options) {
    const opt = document.createElement('vscode-option') as ValueElement;
    opt.setAttribute('value', o.value);
    opt.textContent = o.label;
    if (o.value === selected) opt.setAttribute('selected', '');
    d.appendChild(opt);
  }
  d.addEventListener('change', () => onChange(d.value));
  return d;
}

export function progressRing(): HTMLElement {
  register();
  return document.createElement('vscode-progress-ring');
}

export function badge(text: string): HTMLElement {
  register();
  const b = document.createElement('vscode-badge');
  b.textContent = text;
  return b;
}

export function tag(text: string): HTMLElement {
  register();
  const t = document.createElement('vscode-tag');
  t.textContent = text;
  return t;
}

export function divider(): HTMLElement {
  register();
  return document.createElement('vscode-divider');
}
