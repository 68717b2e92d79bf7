import { BadRequestException } from '@nestjs/common';

export const STDOUT_FORMATS = [
  'txt',
  'ansi',
  'json',
  'html',
  'txt_download',
  'ansi_download',
] as const;

export type StdoutFormat = (typeof STDOUT_FORMATS)[number];

/** What `GET /jobs/{id}/stdout/` was asked for: lines from `startLine`, up to `endLine` excluded. */
export interface StdoutRequest {
  format: StdoutFormat;
  startLine: number;
  endLine: number | null;
}

/** The lines read for a request, and how many the job has in all. */
export interface StdoutPage {
  start: number;
  lines: string[];
  total: number;
}

export type RenderedStdout =
  | {
      kind: 'json';
      body: { range: { start: number; end: number; absolute_end: number }; content: string };
    }
  | { kind: 'text'; contentType: string; body: string; filename: string | null };

// CSI sequences (colours, cursor moves), OSC sequences (titles, links) and the short escapes
// (character sets, resets), in their 7-bit and 8-bit forms: what a terminal obeys, not prints.
const ANSI_ESCAPES =
  // eslint-disable-next-line no-control-regex -- matching escape characters is the point
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[ -/]*[0-~]/g;

const MAX_LINE_NUMBER = /^\d{1,9}$/;

function single(value: unknown): unknown {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function lineNumber(query: Record<string, unknown>, param: string): number | null {
  const value = single(query[param]);
  if (value === undefined || value === '') return null;
  if (typeof value !== 'string' || !MAX_LINE_NUMBER.test(value)) {
    throw new BadRequestException({ [param]: ['Must be a whole number from 0.'] });
  }

  return Number(value);
}

/** Reads `format`, `start_line` and `end_line`; a bad value is a 400 naming the parameter. */
export function parseStdoutRequest(query: Record<string, unknown>): StdoutRequest {
  const format = single(query.format) ?? 'txt';
  if (!STDOUT_FORMATS.some((f) => f === format)) {
    throw new BadRequestException({
      format: [`Must be one of ${STDOUT_FORMATS.join(', ')}.`],
    });
  }
  const startLine = lineNumber(query, 'start_line') ?? 0;
  const endLine = lineNumber(query, 'end_line');
  if (endLine !== null && endLine < startLine) {
    throw new BadRequestException({ end_line: ['Must not be less than start_line.'] });
  }

  return { format: format as StdoutFormat, startLine, endLine };
}

export function stripAnsi(text: string): string {
  return text.replace(ANSI_ESCAPES, '');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One event is one line; a line written with its own newline does not get a second one. */
export function joinLines(lines: string[]): string {
  return lines.map((line) => `${line.replace(/\r?\n$/, '')}\n`).join('');
}

function htmlPage(jobId: number, text: string): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>Job ${jobId} output</title>`,
    '<style>body{margin:0}pre{margin:1em;font-family:monospace;white-space:pre-wrap}</style>',
    '</head>',
    `<body><pre>${escapeHtml(text)}</pre></body>`,
    '</html>',
    '',
  ].join('\n');
}

/**
 * The answer for one format. `json` keeps the escape codes, as the original
 * did, so that a UI can draw the colours; `txt` and `html` drop them.
 */
export function renderStdout(
  jobId: number,
  page: StdoutPage,
  format: StdoutFormat,
): RenderedStdout {
  const raw = joinLines(page.lines);
  const plain = 'text/plain; charset=utf-8';
  const filename = `job_${jobId}.txt`;

  switch (format) {
    case 'json':
      return {
        kind: 'json',
        body: {
          range: {
            start: page.start,
            end: page.start + page.lines.length,
            absolute_end: page.total,
          },
          content: raw,
        },
      };
    case 'txt':
      return { kind: 'text', contentType: plain, body: stripAnsi(raw), filename: null };
    case 'ansi':
      return { kind: 'text', contentType: plain, body: raw, filename: null };
    case 'txt_download':
      return { kind: 'text', contentType: plain, body: stripAnsi(raw), filename };
    case 'ansi_download':
      return { kind: 'text', contentType: plain, body: raw, filename };
    case 'html':
      return {
        kind: 'text',
        contentType: 'text/html; charset=utf-8',
        body: htmlPage(jobId, stripAnsi(raw)),
        filename: null,
      };
  }
}
