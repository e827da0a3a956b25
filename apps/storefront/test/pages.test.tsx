import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { HorizontalBars } from '../src/admin/charts';
import { Field } from '../src/ui/field';

describe('the form field', () => {
  it('ties its label, hint and error to the input', () => {
    const html = renderToString(<Field name="email" label="E-mail address" hint="We never share it." error="Enter an e-mail address." />);
    expect(html).toContain('<label for="field-email">E-mail address</label>');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('aria-describedby="field-email-hint field-email-error"');
  });
});

describe('the bar chart', () => {
  it('draws a bar per value, scaled to the largest, with the numbers as a table', () => {
    const html = renderToString(
      <HorizontalBars id="f" title="Funnel" bars={[{ label: 'Started', value: 4, text: '4' }, { label: 'Paid', value: 2, text: '2' }]} />,
    );
    expect(html.match(/<rect/g)).toHaveLength(2);
    expect(html).toContain('role="img"');
    expect(html).toContain('<th scope="row">Paid</th>');
  });
});
