/** Settings: the signed-in rep's own call settings and mailbox, and the team's call outcomes and scripts (admins change them). */

import { useEffect } from "preact/hooks";
import { getMe } from "../api/endpoints";
import { ErrorState, Spinner } from "../components/Feedback";
import { formatPhone } from "../format";
import { useAsync, useTitle } from "../hooks";
import { QuickRepliesSettings } from "../quickReplies/QuickRepliesSettings";
import { useMeChange, useTeam } from "../team";
import { CallOutcomesSettings } from "./CallOutcomesSettings";
import { CallScriptsSettings } from "./CallScriptsSettings";
import { CallSettingsForm } from "./CallSettingsForm";
import { MailboxSettings } from "./MailboxSettings";

export function SettingsPage() {
  useTitle("Settings");
  const team = useTeam();
  const changeMe = useMeChange();
  // Read afresh: the settings may have changed elsewhere since the app started.
  const me = useAsync((signal) => getMe(signal), []);
  const rep = me.data;
  useEffect(() => {
    if (rep) changeMe(rep); // the rest of the app (the phone's Forward button) follows too
  }, [rep, changeMe]);
  const number = (rep ?? team.me).twilio_number;
  return (
    <div class="page settings-page">
      <header class="page-header">
        <div>
          <h1>Settings</h1>
          <p class="muted">
            How your calls are handled, the mailbox your email is synced from, the outcomes your team files calls
            under, and the scripts it reads from.
          </p>
        </div>
      </header>

      <section class="card settings-card" aria-labelledby="settings-calls-title">
        <header class="settings-card-header">
          <h2 id="settings-calls-title">Calls</h2>
          <p class="muted">
            {number
              ? `Calls to your number, ${formatPhone(number)}, and the calls you place. Only you see these settings.`
              : "You have no Twilio number yet: these settings apply once you have one."}
          </p>
        </header>
        <div class="settings-card-body">
          {me.loading && !rep ? (
            <Spinner label="Loading your call settings…" />
          ) : me.error || !rep ? (
            <ErrorState message={me.error ?? "Your settings could not be loaded."} onRetry={me.reload} />
          ) : (
            <CallSettingsForm key={rep.id} rep={rep} onSaved={changeMe} />
          )}
        </div>
      </section>

      <section class="card settings-card" aria-labelledby="settings-mailbox-title">
        <header class="settings-card-header">
          <h2 id="settings-mailbox-title">Mailbox</h2>
          <p class="muted">
            The mailbox your email is synced from (its inbox and sent mail) and sent through. Only you see these settings.
          </p>
        </header>
        <div class="settings-card-body">
          <MailboxSettings />
        </div>
      </section>

      <section class="card settings-card" aria-labelledby="settings-outcomes-title">
        <header class="settings-card-header">
          <h2 id="settings-outcomes-title">Call outcomes</h2>
          <p class="muted">The team's list, offered in the summary after each call.</p>
        </header>
        <div class="settings-card-body">
          <CallOutcomesSettings editable={team.me.role === "admin"} />
        </div>
      </section>

      <section class="card settings-card" aria-labelledby="settings-scripts-title">
        <header class="settings-card-header">
          <h2 id="settings-scripts-title">Call scripts</h2>
          <p class="muted">The team's scripts, which a rep picks in the phone during a call.</p>
        </header>
        <div class="settings-card-body">
          <CallScriptsSettings editable={team.me.role === "admin"} />
        </div>
      </section>

      <section id="quick-replies" class="card settings-card" aria-labelledby="settings-quick-replies-title">
        <header class="settings-card-header">
          <h2 id="settings-quick-replies-title">Quick replies</h2>
          <p class="muted">
            Texts you insert in an SMS or an email reply: your own, and those shared with the team.
          </p>
        </header>
        <div class="settings-card-body">
          <QuickRepliesSettings />
        </div>
      </section>
    </div>
  );
}
