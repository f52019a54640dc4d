/**
 * Unmatched numbers and addresses, from SMS (S5), calls (C3) and email (E6): Add to CRM (a new
 * lead or contact with the number or address) and Add to existing (it joins a record's phones or
 * emails). Either way its history, SMS, calls and emails, moves onto the record.
 */

import { useState } from "preact/hooks";
import { ApiError, describeError } from "../api/client";
import { addHandle, createRecord, getUnmatchedHistory } from "../api/endpoints";
import type { CrmRecord, SearchHit, UnmatchedHistory } from "../api/types";
import { Badge } from "../components/Badge";
import { Dialog } from "../components/Dialog";
import { Icon } from "../components/Icon";
import { formatPhone } from "../format";
import { useAsync } from "../hooks";
import { SelectField, TextField, sentence } from "../records/fields";
import { useTeam } from "../team";
import { RecordPicker } from "../records/RecordPicker";

/**
 * A number or address no record has: E.164 or the address, and its handle ("phone:+1…",
 * "email:ann@…") as the API keys it; `prefill`: the name (and company) it came with.
 */
export type UnknownNumber = {
  number: string;
  handle: string;
  prefill?: { first_name: string; last_name: string; company_name: string };
};

const isEmail = (unknown: UnknownNumber) => unknown.handle.startsWith("email:");
/** How the dialogs name it: an address as it is, a number as people write it. */
const shown = (unknown: UnknownNumber) => (isEmail(unknown) ? unknown.number : formatPhone(unknown.number));
const noun = (unknown: UnknownNumber) => (isEmail(unknown) ? "address" : "number");

type DialogProps = {
  unknown: UnknownNumber;
  open: boolean;
  onClose: () => void;
  onDone: (record: CrmRecord) => void;
};

type PersonKind = "lead" | "contact";

const PLACED = new Set(["first_name", "last_name", "company_name", "phones.0.number", "emails.0.address"]);

export function AddToCrmDialog({ unknown, open, onClose, onDone }: DialogProps) {
  return (
    <Dialog open={open} title="Add to CRM" onClose={onClose} size="sm">
      <AddToCrmForm unknown={unknown} onClose={onClose} onDone={onDone} />
    </Dialog>
  );
}

function AddToCrmForm({ unknown, onClose, onDone }: Omit<DialogProps, "open">) {
  const { me } = useTeam();
  const [kind, setKind] = useState<PersonKind>("lead");
  const [firstName, setFirstName] = useState(unknown.prefill?.first_name ?? "");
  const [lastName, setLastName] = useState(unknown.prefill?.last_name ?? "");
  const [company, setCompany] = useState(unknown.prefill?.company_name ?? "");
  const email = isEmail(unknown);
  const [number, setNumber] = useState(unknown.number);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const allowed = useMayAttach(unknown);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setFormError(null);
    try {
      const record = await createRecord({
        kind,
        first_name: firstName,
        last_name: lastName,
        company_name: company,
        owner_id: me.id,
        ...(email ? { emails: [{ label: "work", address: number }] } : { phones: [{ label: "mobile", number }] }),
      });
      onDone(record);
    } catch (exc) {
      setBusy(false);
      const fields = exc instanceof ApiError ? exc.fields : {};
      setErrors(fields);
      const unplaced = Object.entries(fields).filter(([key]) => !PLACED.has(key));
      setFormError(
        unplaced.length
          ? unplaced.map(([key, message]) => `${key}: ${message}`).join("; ")
          : Object.keys(fields).length
            ? null
            : sentence(describeError(exc)),
      );
    }
  };

  return (
    <form class="record-form" onSubmit={submit} noValidate>
      <div class="dialog-scroll">
        {formError && (
          <div class="form-error" role="alert">
            <Icon name="alert" size={18} />
            <span>{formError}</span>
          </div>
        )}
        <div class="form-grid">
          <SelectField
            id="crm-kind"
            class="field-wide"
            label="Add as"
            value={kind}
            onChange={(value) => setKind(value as PersonKind)}
            options={[
              { value: "lead", label: "Lead" },
              { value: "contact", label: "Contact" },
            ]}
          />
          <TextField
            id="crm-first-name"
            label="First name"
            value={firstName}
            error={errors.first_name}
            autoFocus
            onInput={setFirstName}
          />
          <TextField
            id="crm-last-name"
            label="Last name"
            value={lastName}
            error={errors.last_name}
            onInput={setLastName}
          />
          <TextField
            id="crm-company"
            class="field-wide"
            label="Company"
            value={company}
            error={errors.company_name}
            onInput={setCompany}
          />
          {email ? (
            <TextField
              id="crm-email"
              class="field-wide"
              label="Email"
              type="email"
              value={number}
              error={errors["emails.0.address"]}
              hint="Every email with this address moves onto the new record."
              onInput={setNumber}
            />
          ) : (
            <TextField
              id="crm-phone"
              class="field-wide"
              label="Mobile phone"
              type="tel"
              value={number}
              error={errors["phones.0.number"]}
              hint="Every SMS and call with this number moves onto the new record."
              onInput={setNumber}
            />
          )}
        </div>
        <VisibilityNotice history={allowed.history} blockedBy={allowed.blockedBy} what={noun(unknown)} />
      </div>
      <footer class="form-actions">
        <button type="button" class="btn btn-ghost" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" class="btn btn-primary" disabled={busy || allowed.blockedBy.length > 0}>
          {busy ? "Adding…" : `Add ${kind}`}
        </button>
      </footer>
    </form>
  );
}

export function AddToExistingDialog({ unknown, open, onClose, onDone }: DialogProps) {
  return (
    <Dialog open={open} title="Add to an existing record" onClose={onClose} size="sm">
      <AddToExistingForm unknown={unknown} onClose={onClose} onDone={onDone} />
    </Dialog>
  );
}

function AddToExistingForm({ unknown, onClose, onDone }: Omit<DialogProps, "open">) {
  const [picked, setPicked] = useState<SearchHit | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const number = shown(unknown);
  const allowed = useMayAttach(unknown);

  const confirm = async () => {
    if (!picked) return;
    setBusy(true);
    setError(null);
    try {
      onDone(await addHandle(picked.id, unknown.handle));
    } catch (exc) {
      setBusy(false);
      setError(sentence(describeError(exc)));
    }
  };

  return (
    <>
      <div class="dialog-body">
        {picked ? (
          <div class="picked-record">
            <p>
              Add <strong>{number}</strong> to the {isEmail(unknown) ? "email addresses" : "phone numbers"} of
            </p>
            <div class="picked-row">
              <Icon name={picked.kind === "lead" ? "lead" : "contact"} size={16} />
              <strong>{picked.display_name}</strong>
              <Badge value={picked.kind} />
              <button type="button" class="btn btn-link btn-sm" onClick={() => setPicked(null)}>
                Change
              </button>
            </div>
          </div>
        ) : (
          <RecordPicker
            id="existing-record"
            label={`Which lead or contact does ${number} belong to?`}
            autoFocus
            onPick={(hit) => {
              setPicked(hit);
              setError(null);
            }}
          />
        )}
        <VisibilityNotice history={allowed.history} blockedBy={allowed.blockedBy} what={noun(unknown)} />
        {error && (
          <p class="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
      <footer class="form-actions">
        <button type="button" class="btn btn-ghost" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          class="btn btn-primary"
          disabled={!picked || busy || allowed.blockedBy.length > 0}
          onClick={() => void confirm()}
        >
          {busy ? "Adding…" : `Add ${noun(unknown)}`}
        </button>
      </footer>
    </>
  );
}

/**
 * What adding the number to a record will show the whole team (its unmatched calls, voicemails
 * and SMS, and with whom), and who may do it: the reps who received that traffic, or an admin.
 */
function useMayAttach(unknown: UnknownNumber): { history: UnmatchedHistory | null; blockedBy: string[] } {
  const { me } = useTeam();
  const loaded = useAsync((signal) => getUnmatchedHistory(unknown.handle, signal), [unknown.handle]);
  const history = loaded.data;
  const others = (history?.reps ?? []).filter((rep) => rep.id !== me.id).map((rep) => rep.name);
  return { history, blockedBy: me.role === "admin" ? [] : others };
}

function VisibilityNotice({
  history,
  blockedBy,
  what,
}: {
  history: UnmatchedHistory | null;
  blockedBy: string[];
  what: string;
}) {
  const { me } = useTeam();
  if (!history) return null;
  const parts = [
    plural(history.calls, "call", history.voicemails ? ` (${plural(history.voicemails, "voicemail")})` : ""),
    plural(history.sms, "SMS", ""),
    plural(history.emails, "email", ""),
  ].filter(Boolean);
  if (!parts.length) return null;
  const names = history.reps.map((rep) => (rep.id === me.id ? "you" : rep.name));
  return (
    <div class={blockedBy.length ? "notice notice-danger" : "notice"} role="note" data-testid="attach-visibility">
      <Icon name="alert" size={16} />
      <p>
        {blockedBy.length
          ? `Only ${blockedBy.join(" or ")} or an admin can add this ${what} to a record: its ${parts.join(", ")} would become visible to the whole team.`
          : `The whole team will see this ${what}'s ${parts.join(", ")} with ${names.join(" and ")} on the record.`}
      </p>
    </div>
  );
}

function plural(count: number, noun: string, suffix = ""): string {
  if (!count) return "";
  return `${count} ${noun}${count === 1 || noun === "SMS" ? "" : "s"}${suffix}`;
}
