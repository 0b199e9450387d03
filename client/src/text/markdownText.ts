/**
 * Text inside the views' Markdown tooltips: user and file text must never turn into Markdown. No
 * `vscode` import.
 */

/** Inline code: backticks inside would end the span, so they are replaced. */
export function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** Every character Markdown gives a meaning to, escaped. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
