const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * A line with the searched words wrapped in `<em>`, the rest HTML-escaped
 * (output lines may hold `<` and `&`). Done here rather than by each backend,
 * so that Elasticsearch and PostgreSQL answers are marked identically.
 */
export function highlight(line: string, words: string[]): string {
  const wanted = new Set(words);

  return line
    .split(/([\p{L}\p{N}]+)/u)
    .map((part, i) =>
      i % 2 === 1 && wanted.has(part.toLowerCase())
        ? `<em>${escapeHtml(part)}</em>`
        : escapeHtml(part),
    )
    .join('');
}
