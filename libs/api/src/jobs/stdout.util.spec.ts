import { BadRequestException } from '@nestjs/common';

import {
  escapeHtml,
  joinLines,
  parseStdoutRequest,
  renderStdout,
  stripAnsi,
  type StdoutPage,
} from './stdout.util';

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (error instanceof BadRequestException) return error.getResponse();
    throw error;
  }
  throw new Error('expected a BadRequestException');
}

describe('parseStdoutRequest', () => {
  it('defaults to the whole output as plain text', () => {
    expect(parseStdoutRequest({})).toEqual({ format: 'txt', startLine: 0, endLine: null });
  });

  it('reads the format and the line range', () => {
    expect(parseStdoutRequest({ format: 'json', start_line: '2', end_line: '5' })).toEqual({
      format: 'json',
      startLine: 2,
      endLine: 5,
    });
  });

  it('treats an empty line number as absent', () => {
    expect(parseStdoutRequest({ start_line: '', end_line: '' })).toEqual({
      format: 'txt',
      startLine: 0,
      endLine: null,
    });
  });

  it('names the format when it is unknown', () => {
    expect(errorOf(() => parseStdoutRequest({ format: 'pdf' }))).toEqual({
      format: [expect.stringContaining('txt, ansi, json, html, txt_download, ansi_download')],
    });
  });

  it.each(['-1', '1.5', 'abc', '1e3', '9999999999'])('refuses start_line=%s', (value) => {
    expect(errorOf(() => parseStdoutRequest({ start_line: value }))).toEqual({
      start_line: ['Must be a whole number from 0.'],
    });
  });

  it('refuses an end before the start', () => {
    expect(errorOf(() => parseStdoutRequest({ start_line: '4', end_line: '3' }))).toEqual({
      end_line: ['Must not be less than start_line.'],
    });
  });

  it('takes the last of repeated parameters', () => {
    expect(parseStdoutRequest({ format: ['html', 'ansi'] }).format).toBe('ansi');
  });
});

describe('stripAnsi', () => {
  it('removes colours, cursor moves and titles but keeps the text', () => {
    const coloured = '\u001b[1;31mError\u001b[0m: \u001b[2Kdone\u001b]0;title\u0007 ok\u001b(B';

    expect(stripAnsi(coloured)).toBe('Error: done ok');
  });

  it('leaves text without escapes alone', () => {
    expect(stripAnsi('tab\there [x] 100%')).toBe('tab\there [x] 100%');
  });
});

describe('escapeHtml', () => {
  it('escapes every character that could open markup or an attribute', () => {
    expect(escapeHtml(`<script>alert("x" & 'y')</script>`)).toBe(
      '&#60;script&#62;alert(&#34;x&#34; &#38; &#39;y&#39;)&#60;/script&#62;',
    );
  });
});

describe('joinLines', () => {
  it('ends every line with one newline', () => {
    expect(joinLines(['a', 'b\n', 'c\r\n'])).toBe('a\nb\nc\n');
  });

  it('gives nothing for no lines', () => {
    expect(joinLines([])).toBe('');
  });
});

describe('renderStdout', () => {
  const page: StdoutPage = { start: 1, lines: ['\u001b[32mgreen\u001b[0m', '<b>'], total: 5 };

  it('strips escapes for txt', () => {
    expect(renderStdout(7, page, 'txt')).toEqual({
      kind: 'text',
      contentType: 'text/plain; charset=utf-8',
      body: 'green\n<b>\n',
      filename: null,
    });
  });

  it('keeps escapes for ansi', () => {
    expect(renderStdout(7, page, 'ansi')).toMatchObject({
      body: '\u001b[32mgreen\u001b[0m\n<b>\n',
      filename: null,
    });
  });

  it('names the file for downloads', () => {
    expect(renderStdout(7, page, 'txt_download')).toMatchObject({
      body: 'green\n<b>\n',
      filename: 'job_7.txt',
    });
    expect(renderStdout(7, page, 'ansi_download')).toMatchObject({
      body: '\u001b[32mgreen\u001b[0m\n<b>\n',
      filename: 'job_7.txt',
    });
  });

  it('gives the range and the raw content for json', () => {
    expect(renderStdout(7, page, 'json')).toEqual({
      kind: 'json',
      body: {
        range: { start: 1, end: 3, absolute_end: 5 },
        content: '\u001b[32mgreen\u001b[0m\n<b>\n',
      },
    });
  });

  it('escapes the text of the html page', () => {
    const rendered = renderStdout(7, page, 'html');

    expect(rendered).toMatchObject({ kind: 'text', contentType: 'text/html; charset=utf-8' });
    const body = rendered.kind === 'text' ? rendered.body : '';
    expect(body).toContain('<pre>green\n&#60;b&#62;\n</pre>');
    expect(body).not.toContain('<b>');
    expect(body).not.toContain('\u001b');
  });
});
