import { highlight } from './highlight.util';

describe('highlight', () => {
  it('marks whole words, whatever their case', () => {
    expect(highlight('Archive fingerprint: archived', ['archive'])).toBe(
      '<em>Archive</em> fingerprint: archived',
    );
  });

  it('escapes the rest of the line', () => {
    expect(highlight('<b>disk</b> & full', ['disk', 'full'])).toBe(
      '&lt;b&gt;<em>disk</em>&lt;/b&gt; &amp; <em>full</em>',
    );
  });
});
