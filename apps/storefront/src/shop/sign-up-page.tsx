import { useLocation } from 'preact-iso';
import type { Registration } from '@shop/api-client';
import { attempt } from '../api';
import type { Problem } from '../problem';
import { type Shop, useShop } from '../shop-context';
import { Field, OtherFieldErrors, textOf } from '../ui/field';
import { Page } from '../ui/page';
import { ProblemAlert } from '../ui/problem-alert';
import { useAction } from '../ui/use-action';
import { useSignIn } from './use-sign-in';

const FIELDS = ['name', 'email', 'password', 'phone'];

/** Registers, then signs in with the same details: one step for the shopper. */
export function SignUpPage() {
  const shop = useShop();
  const { route } = useLocation();
  const signIn = useSignIn();
  const { busy, problem, onSubmit } = useAction();

  const submit = onSubmit(async (form) => {
    const phone = textOf(form, 'phone');
    const body = {
      name: textOf(form, 'name'),
      email: textOf(form, 'email'),
      password: String(form.get('password') ?? ''),
      ...(phone ? { phone: phone.replace(/[\s()-]/g, '') } : {}),
    };
    const outcome = await signUp(shop, body, signIn);
    // Registered, but the sign-in after it failed: the shopper signs in by hand.
    if (outcome === 'sign in by hand') route('/sign-in');
    else return outcome;
  });

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

/**
 * Registers, then signs in (`signIn` goes on to the page that asked, when it can); answers the
 * problem to show, or that the shopper is registered but must sign in by hand.
 *
 * A 409 EMAIL_TAKEN may be this very sign-up sent again after its 201 was lost: when the same
 * e-mail address and password sign in, the account is the shopper's, and the sign-up carries on
 * as if it had been answered. Otherwise the address is someone's account, said as before.
 */
export async function signUp(
  shop: Pick<Shop, 'client' | 'session'>,
  details: Registration,
  signIn: (email: string, password: string) => Promise<Problem | void>,
): Promise<Problem | 'sign in by hand' | undefined> {
  const registered = await attempt(shop.session, () => shop.client.POST('/users/register', { body: details }), 'sign-up');
  if (registered.ok) return (await signIn(details.email, details.password)) ? 'sign in by hand' : undefined;
  if (registered.problem.code === 'EMAIL_TAKEN' && !(await signIn(details.email, details.password))) return undefined;
  return registered.problem;
}
