import { useLocation } from 'preact-iso';
import { Field, OtherFieldErrors, textOf } from '../ui/field';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { useAction } from '../ui/use-action';
import { useSignIn } from './use-sign-in';

export function SignInPage() {
  const { query } = useLocation();
  const signIn = useSignIn();
  const { busy, problem, onSubmit } = useAction();
  const submit = onSubmit((form) => signIn(textOf(form, 'email'), String(form.get('password') ?? '')));

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
