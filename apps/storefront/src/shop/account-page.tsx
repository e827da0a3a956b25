import type { Profile } from '@shop/api-client';
import { useLocation } from 'preact-iso';
import { useEffect, useState } from 'preact/hooks';
import type { Problem } from '../problem';
import { isStaff, useProfile, useShop } from '../shop-context';
import { Field, textOf } from '../ui/field';
import { Page } from '../ui/page';
import { Notice, ProblemAlert } from '../ui/problem-alert';
import { useAction } from '../ui/use-action';
import { CONFIRMATION_WORD, confirmsDeletion, deleteAccount } from './account-deletion';
import { signedInPage } from './require-sign-in';
import { type Channel, CHANNEL_NAMES, type ChannelState, confirmCode, sendCode, type VerificationStep } from './verification';

const TITLE = 'Your account';

export const AccountPage = signedInPage(TITLE, Account);

/** The shopper's details, and the proof of their e-mail address and phone, without which the shop sends them nothing. */
function Account() {
  const { profile, loading, problem, replace, reload } = useProfile();
  if (!profile) {
    return (
      <Page title={TITLE}>
        {loading ? <p aria-busy="true">Loading your account…</p> : null}
        {problem ? (
          <>
            <ProblemAlert problem={problem} />
            <button type="button" onClick={reload}>
              Try again
            </button>
          </>
        ) : null}
      </Page>
    );
  }
  return <AccountDetails profile={profile} onProfile={(changed) => (changed === 'read again' ? reload() : replace(changed))} />;
}

/** The profile, and a section for each channel; `onProfile` hears of a profile changed by a verification. */
export function AccountDetails({ profile, onProfile }: { profile: Profile; onProfile: (changed: Profile | 'read again') => void }) {
  return (
    <Page title={TITLE}>
      <dl class="details">
        <dt>Name</dt>
        <dd>{profile.name}</dd>
      </dl>
      <p>We send order updates only to an e-mail address and a mobile number you have confirmed with a code.</p>
      <ChannelSection channel="email" profile={profile} onProfile={onProfile} />
      <ChannelSection channel="sms" profile={profile} onProfile={onProfile} />
      <DeletionSection profile={profile} />
    </Page>
  );
}

/** One channel's proof: its requests, one at a time, and where it stands. */
function ChannelSection({ channel, profile, onProfile }: { channel: Channel; profile: Profile; onProfile: (changed: Profile | 'read again') => void }) {
  const shop = useShop();
  const [state, setState] = useState<ChannelState>({});
  const [busy, setBusy] = useState(false);
  const act = async (request: () => Promise<VerificationStep>) => {
    setBusy(true);
    // The last words go while the request runs, so that the same words again are announced again.
    setState(({ sent }) => (sent ? { sent } : {}));
    try {
      const step = await request();
      setState(step.state);
      if (step.profile) onProfile(step.profile);
    } finally {
      setBusy(false);
    }
  };
  return (
    <ChannelCard
      channel={channel}
      profile={profile}
      state={state}
      busy={busy}
      onSend={() => void act(() => sendCode(shop, channel, state.sent))}
      onVerify={(code) => void act(() => confirmCode(shop, channel, code, state.sent))}
    />
  );
}

/** A channel as the shopper sees it: the address, whether it is verified, and until it is, the way to verify it. */
export function ChannelCard({
  channel,
  profile,
  state,
  busy,
  onSend,
  onVerify,
}: {
  channel: Channel;
  profile: Profile;
  state: ChannelState;
  busy: boolean;
  onSend: () => void;
  onVerify: (code: string) => void;
}) {
  const address = channel === 'email' ? profile.email : profile.phone;
  const verified = channel === 'email' ? profile.emailVerified : profile.phoneVerified === true;
  const heading = `contact-${channel}`;
  const codeField = `${channel}-code`;
  const by = channel === 'email' ? 'by e-mail' : 'by text message';
  // The code field takes the focus when a code has been sent, and when the code was refused: typing
  // it (again) is what the shopper does next, and the button pressed is disabled meanwhile.
  const focusCode = () => document.getElementById(`field-${codeField}`)?.focus();
  useEffect(() => {
    if (state.sent) focusCode();
  }, [state.sent]);
  useEffect(() => {
    if (state.problem?.fields['code']) focusCode();
  }, [state.problem]);
  return (
    <section class="card contact" aria-labelledby={heading}>
      <h2 id={heading}>{channel === 'email' ? 'E-mail address' : 'Mobile number'}</h2>
      {address ? (
        <p>
          {address} {verified ? <span class="tag tag-good">Verified</span> : <span class="tag tag-bad">Not verified</span>}
        </p>
      ) : (
        <p>No mobile number on your account, so no text messages.</p>
      )}
      <ProblemAlert problem={state.problem} />
      <Notice text={state.notice} focusOnChange={!state.sent} />
      {address && !verified ? (
        <>
          <p>
            <button type="button" disabled={busy} onClick={onSend}>
              {state.sent ? 'Send me a new code' : 'Send me a code'} <span class="visually-hidden">{by}</span>
            </button>
          </p>
          {state.sent ? (
            // A new code, a new form: nothing typed for the old one is left in it.
            <form
              key={state.sent.expiresAt}
              class="inline-form"
              noValidate
              onSubmit={(event) => {
                event.preventDefault();
                onVerify(textOf(new FormData(event.currentTarget), codeField));
              }}
            >
              <Field
                name={codeField}
                label={`Code from the ${channel === 'email' ? 'e-mail' : 'text message'}`}
                hint={`6 digits, sent to ${state.sent.sentTo}. It works until ${timeOf(state.sent.expiresAt)}.`}
                inputMode="numeric"
                autoComplete="one-time-code"
                required
                error={state.problem?.fields['code']}
              />
              <button type="submit" class="primary" disabled={busy}>
                Verify <span class="visually-hidden">{CHANNEL_NAMES[channel]}</span>
              </button>
            </form>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

/** "Delete my account": the request, one at a time, and where it leads: the catalogue, signed out, when it went through. */
function DeletionSection({ profile }: { profile: Profile }) {
  const shop = useShop();
  const { route } = useLocation();
  const [typed, setTyped] = useState('');
  const { busy, problem, run } = useAction();
  const remove = () =>
    void run(async () => {
      const refused = await deleteAccount(shop);
      // The session ended with the account: the catalogue says the account is deleted.
      if (!refused) route('/');
      return refused;
    });
  return <DeletionCard profile={profile} typed={typed} busy={busy} problem={problem} onType={setTyped} onDelete={remove} />;
}

/**
 * What deleting the account deletes and what it keeps, and the way to do it: the button works
 * only once the shopper has typed the word, so that no stray click deletes an account. A staff
 * account is closed by an administrator: its holder is told so, and offered nothing to press.
 */
export function DeletionCard({
  profile,
  typed,
  busy,
  problem,
  onType,
  onDelete,
}: {
  profile: Profile;
  typed: string;
  busy: boolean;
  problem: Problem | undefined;
  onType: (typed: string) => void;
  onDelete: () => void;
}) {
  const confirmed = confirmsDeletion(typed);
  // A deletion stopped midway is finished by the same request: the button says so.
  const unfinished = problem?.code === 'DELETION_INCOMPLETE';
  return (
    <section class="card" aria-labelledby="delete-account">
      <h2 id="delete-account">Delete my account</h2>
      {isStaff(profile) ? (
        <p>A staff account (admin or manager) is closed by an administrator: ask one to close yours.</p>
      ) : (
        <>
          <p>
            This deletes your name, e-mail address, mobile number and cart, and you can't sign in to this account again. You can create a new account
            at any time.
          </p>
          <p>
            Your orders are kept, as the shop's records of what was sold and paid. An order in progress still finishes, and a refund still reaches your
            card, but no e-mails or text messages will be sent about them.
          </p>
          <form
            class="stack-form"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              if (confirmed && !busy) onDelete();
            }}
          >
            <ProblemAlert problem={problem} />
            <Field
              name="delete-confirmation"
              label={`Type ${CONFIRMATION_WORD} to confirm`}
              hint="It can't be undone. The button works once you have typed the word."
              autoComplete="off"
              value={typed}
              onInput={(event) => onType(event.currentTarget.value)}
            />
            <button type="submit" class="danger" disabled={busy || !confirmed}>
              {busy ? 'Deleting your account…' : unfinished ? 'Try again to delete my account' : 'Delete my account'}
            </button>
          </form>
        </>
      )}
    </section>
  );
}

/** A time later today, as this browser writes it: 14:05, 2:05 PM. */
function timeOf(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}
