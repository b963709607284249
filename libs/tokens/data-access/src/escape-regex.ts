/** `text` as a regular expression that matches it literally (a name filter must not be a pattern). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
