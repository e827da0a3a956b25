import { useLocation } from 'preact-iso';
import { useState } from 'preact/hooks';
import { attempt } from '../api';
import type { Problem } from '../problem';
import { useShop } from '../shop-context';
import { Field, OtherFieldErrors } from '../ui/field';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { safeNext } from './require-sign-in';

export function SignInPage() {
  const shop = useShop();
  const { query, route } = useLocation();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem>();

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    setBusy(true);
    setProblem(undefined);
    const outcome = await attempt(shop.session, () => shop.client.POST('/users/login', { body: { email, password } }), 'sign-in');
    setBusy(false);
    if (!outcome.ok) return setProblem(outcome.problem);
    shop.session.signIn(outcome.data, email);
    route(safeNext(query['next']));
  };

  return (
    <Page title="Sign in">
      <form class="stack-form" onSubmit={submit} noValidate>
        <ProblemAlert problem={problem} />
        <Field name="email" label="E-mail address" type="email" autoComplete="username" required error={problem?.fields['email']} />
        <Field name="password" label="Password" type="password" autoComplete="current-password" required error={problem?.fields['password']} />
        <OtherFieldErrors fields={problem?.fields} shown={['email', 'password']} />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New here? <a href={`/sign-up${query['next'] ? `?next=${encodeURIComponent(query['next'])}` : ''}`}>Create an account</a>.
      </p>
    </Page>
  );
}
