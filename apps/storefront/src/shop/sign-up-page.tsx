import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { attempt } from '../api';
import type { Problem } from '../problem';
import { useShop } from '../shop-context';
import { Field, OtherFieldErrors } from '../ui/field';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { safeNext } from './require-sign-in';

const FIELDS = ['name', 'email', 'password', 'phone'];

/** Registers, then signs in with the same details: one step for the shopper. */
export function SignUpPage() {
  const shop = useShop();
  const { query, route } = useLocation();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string) => String(form.get(name) ?? '').trim();
    const body = {
      name: text('name'),
      email: text('email'),
      password: String(form.get('password') ?? ''),
      ...(text('phone') ? { phone: text('phone').replace(/[\s()-]/g, '') } : {}),
    };
    setBusy(true);
    setProblem(undefined);
    const registered = await attempt(shop.session, () => shop.client.POST('/users/register', { body }), 'sign-up');
    if (!registered.ok) {
      setBusy(false);
      return setProblem(registered.problem);
    }
    const signedIn = await attempt(shop.session, () => shop.client.POST('/users/login', { body: { email: body.email, password: body.password } }), 'sign-in');
    setBusy(false);
    if (!signedIn.ok) return route('/sign-in');
    shop.session.signIn(signedIn.data, body.email);
    route(safeNext(query['next']));
  };

  return (
    <Page title="Create an account">
      <form class="stack-form" onSubmit={submit} noValidate>
        <ProblemAlert problem={problem} />
        <Field name="name" label="Name" autoComplete="name" required error={problem?.fields['name']} />
        <Field name="email" label="E-mail address" type="email" autoComplete="email" required error={problem?.fields['email']} />
        <Field
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          hint="At least 8 characters, with an uppercase letter, a lowercase letter and a number."
          error={problem?.fields['password']}
        />
        <Field
          name="phone"
          label="Mobile number (optional)"
          type="tel"
          autoComplete="tel"
          hint="For order updates by text message, in international form: +14155550123."
          error={problem?.fields['phone']}
        />
        <OtherFieldErrors fields={problem?.fields} shown={FIELDS} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <a href="/sign-in">Sign in</a>.
      </p>
    </Page>
  );
}
