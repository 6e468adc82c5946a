// k6/html and the Response helpers: parse a page, read it, post its form back.
import http from 'k6/http';
import { parseHTML } from 'k6/html';
import { check } from 'k6';

export const options = { iterations: 2 };

const page = `<html><body><h1 class="t">Pay</h1>
<form action="/echo" method="post"><input name="amount" value="10"><input type="submit" name="go" value="ok"></form>
<a href="/json">data</a></body></html>`;

export default function () {
  const doc = parseHTML(page);
  const sent = http.post(`${__ENV.TARGET}/echo`, page, { headers: { 'Content-Type': 'text/html' } });
  check(doc, {
    'title': (d) => d.find('h1.t').text() === 'Pay',
    'form values': (d) => d.find('form').serialize() === 'amount=10',
  });
  check(sent.submitForm({ fields: { amount: '12' } }), {
    'form posted': (r) => r.body === 'amount=12&go=ok',
  });
  check(sent.clickLink(), { 'link followed': (r) => r.json('id') === 42 });
}
