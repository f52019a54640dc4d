/**
 * Suggested people (E6): the strangers who emailed the rep, one row per address (their name, how
 * many emails, the last subject and when), with the company their domain names when the team
 * has it. Rows are selected one, several or all at once; the bar adds them as leads or contacts
 * (with the suggested company or not) or ignores them, their addresses or their whole domains.
 * One row alone also opens the same Add to CRM / Add to existing / Ignore as an unknown number.
 */

import { useState } from "preact/hooks";
import { describeError } from "../../api/client";
import { addSuggestedPeople, ignoreSuggestedPeople, listSuggestedPeople } from "../../api/endpoints";
import type { CrmRecord, SuggestedOutcome, SuggestedPerson } from "../../api/types";
import { EmptyState, ErrorState, LoadMore, SkeletonRows } from "../../components/Feedback";
import { Icon } from "../../components/Icon";
import { SelectAll, SelectionBar, useSelection } from "../../components/Selection";
import { RelativeTime } from "../../components/Time";
import { usePaged } from "../../hooks";
import { useTeam } from "../../team";
import { type IgnoreScope, IgnoreButtons, changeIgnoring, ignoringNotice } from "../ignoring";
import { type Outcome, OutcomeNotice } from "../OutcomeNotice";
import { AddToCrmDialog, AddToExistingDialog, type UnknownNumber } from "../UnmatchedDialogs";

type Props = {
  empty: { title: string; text: string };
  /** Changes when the list changed elsewhere: it loads again. */
  refresh: number;
  onChanged: () => void;
};

/** A sender as the unmatched dialogs take an unknown number or address, named as their emails name them. */
function unknownOf(person: SuggestedPerson, withCompany = true): UnknownNumber {
  const words = person.name.split(/\s+/).filter(Boolean);
  const last = words.length ? words[words.length - 1] : person.address.split("@")[0];
  return {
    number: person.address,
    handle: `email:${person.address}`,
    prefill: {
      first_name: words.slice(0, -1).join(" "),
      last_name: last,
      company_name: withCompany ? (person.company?.name ?? "") : "",
    },
  };
}

function told(result: SuggestedOutcome, what: string): string {
  const count = result.senders.length;
  const people = count === 1 ? result.senders[0].address : `${count} people`;
  const domains = result.domains.length ? ` (every address at ${result.domains.join(", ")})` : "";
  return `${people} ${count === 1 ? "was" : "were"} ${what}${domains}.`;
}

export function SuggestedPeople({ empty, refresh, onChanged }: Props) {
  const { me } = useTeam();
  const [withCompany, setWithCompany] = useState(true);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [dialog, setDialog] = useState<{ kind: "crm" | "existing"; person: SuggestedPerson } | null>(null);
  const list = usePaged((cursor, signal) => listSuggestedPeople(cursor, signal), [refresh]);

  const selection = useSelection(list.items.map((row) => row.address));
  const { selected, allLoaded, toggle, toggleAll } = selection;
  const chosen = list.items.filter((row) => selected.has(row.address));
  const anyCompany = chosen.some((row) => row.company);

  /** The rows that left the list go; the rep reads what happened. */
  const done = (text: string, gone: string[], record?: CrmRecord) => {
    const left = new Set(gone);
    list.update((items) => items.filter((row) => !left.has(row.address)));
    selection.clear();
    setOutcome({ text, record });
    onChanged();
  };
  const act = (change: () => Promise<SuggestedOutcome>, what: string) => {
    setBusy(true);
    setProblem(null);
    change().then(
      (result) => {
        setBusy(false);
        done(
          told(result, what),
          result.senders.map((sender) => sender.address),
        );
        if (result.domains.length) list.reload(); // other senders of those domains went too
      },
      (exc: unknown) => {
        setBusy(false);
        setProblem(describeError(exc));
      },
    );
  };
  const addresses = () => chosen.map((row) => row.address);
  const ignoreOne = (person: SuggestedPerson, scope: IgnoreScope) => {
    setBusy(true);
    setProblem(null);
    changeIgnoring(`email:${person.address}`, true, scope, me.role === "admin").then(
      () => {
        setBusy(false);
        done(ignoringNotice(person.address, true, scope), [person.address]);
      },
      (exc: unknown) => {
        setBusy(false);
        setProblem(describeError(exc));
      },
    );
  };

  return (
    <section class="card suggested-people" aria-label="Suggested people" aria-busy={list.loading}>
      <OutcomeNotice outcome={outcome} onDismiss={() => setOutcome(null)} />
      {list.items.length > 0 && (
        <div class="suggested-bar">
          <SelectAll checked={allLoaded} onChange={toggleAll} />
          {chosen.length > 0 && (
            <SelectionBar class="suggested-bulk" label="Selected people" count={`${chosen.length} selected`}>
              <button
                type="button"
                class="btn btn-secondary btn-sm"
                disabled={busy}
                onClick={() => act(() => addSuggestedPeople("lead", addresses(), withCompany), "added as leads")}
              >
                <Icon name="lead" size={14} /> Add as lead
              </button>
              <button
                type="button"
                class="btn btn-secondary btn-sm"
                disabled={busy}
                onClick={() =>
                  act(() => addSuggestedPeople("contact", addresses(), withCompany), "added as contacts")
                }
              >
                <Icon name="contact" size={14} /> Add as contact
              </button>
              {anyCompany && (
                <label class="suggested-with-company">
                  <input
                    type="checkbox"
                    checked={withCompany}
                    onChange={(event) => setWithCompany((event.target as HTMLInputElement).checked)}
                  />{" "}
                  With the suggested company
                </label>
              )}
              <button
                type="button"
                class="btn btn-ghost btn-sm"
                disabled={busy}
                onClick={() => act(() => ignoreSuggestedPeople(addresses(), false), "ignored")}
              >
                <Icon name="block" size={14} /> Ignore
              </button>
              <button
                type="button"
                class="btn btn-ghost btn-sm"
                disabled={busy}
                onClick={() => act(() => ignoreSuggestedPeople(addresses(), true), "ignored")}
              >
                <Icon name="block" size={14} /> Ignore their domains
              </button>
            </SelectionBar>
          )}
        </div>
      )}
      {problem && (
        <p class="form-error" role="alert">
          {problem}
        </p>
      )}
      {list.loading && list.items.length === 0 ? (
        <SkeletonRows rows={4} />
      ) : list.error && list.items.length === 0 ? (
        <ErrorState message={list.error} onRetry={list.reload} />
      ) : list.items.length === 0 ? (
        <EmptyState icon="sparkle" title={empty.title}>
          {empty.text}
        </EmptyState>
      ) : (
        <ul class="suggested-rows">
          {list.items.map((person) => (
            <li
              key={person.address}
              class={person.unread ? "suggested-row unread" : "suggested-row"}
              data-testid="suggested-person"
            >
              <input
                type="checkbox"
                aria-label={`Select ${person.name || person.address}`}
                checked={selected.has(person.address)}
                onChange={() => toggle(person.address)}
              />
              <div class="suggested-who">
                <strong class="suggested-name">{person.name || person.address}</strong>
                {person.name && <span class="suggested-address">{person.address}</span>}
                <span class="suggested-last">
                  {person.unread > 0 && <span class="sr-only">Unread: </span>}
                  {person.last_subject || "(no subject)"}
                </span>
                <span class="suggested-meta">
                  {person.emails === 1 ? "1 email" : `${person.emails} emails`}
                  {" · "}
                  <RelativeTime iso={person.last_at} />
                  {person.company && (
                    <span class="suggested-company" data-testid="suggested-company">
                      <Icon name="contact" size={12} /> {person.company.name}
                    </span>
                  )}
                </span>
              </div>
              <div class="suggested-actions">
                <button
                  type="button"
                  class="btn btn-secondary btn-sm"
                  disabled={busy}
                  onClick={() => setDialog({ kind: "crm", person })}
                >
                  Add to CRM
                </button>
                <button
                  type="button"
                  class="btn btn-ghost btn-sm"
                  disabled={busy}
                  onClick={() => setDialog({ kind: "existing", person })}
                >
                  Add to existing
                </button>
                <IgnoreButtons busy={busy} onIgnore={(scope) => ignoreOne(person, scope)} />
              </div>
            </li>
          ))}
        </ul>
      )}
      <LoadMore list={list} />
      {dialog?.kind === "crm" && (
        <AddToCrmDialog
          unknown={unknownOf(dialog.person)}
          open
          onClose={() => setDialog(null)}
          onDone={(record) => {
            setDialog(null);
            done(`${dialog.person.address} was added as ${record.display_name}.`, [dialog.person.address], record);
          }}
        />
      )}
      {dialog?.kind === "existing" && (
        <AddToExistingDialog
          unknown={unknownOf(dialog.person)}
          open
          onClose={() => setDialog(null)}
          onDone={(record) => {
            setDialog(null);
            done(`${dialog.person.address} was added to ${record.display_name}.`, [dialog.person.address], record);
          }}
        />
      )}
    </section>
  );
}
