/**
 * The create/edit form for leads, contacts and deals. Validation is the API's: its
 * `error.fields` are shown under the fields they name, nothing is duplicated here.
 */

import { useState } from "preact/hooks";
import { ApiError, describeError } from "../api/client";
import {
  CONTACT_STATUSES,
  DEAL_STAGES,
  LEAD_STATUSES,
  type Address,
  type CrmRecord,
  type DealStage,
  type Email,
  type Phone,
  type RecordFields,
  type RecordKind,
} from "../api/types";
import { capitalize } from "../components/Badge";
import { Icon } from "../components/Icon";
import { mayReassignOrDelete, useTeam } from "../team";
import { ContactPicker } from "./ContactPicker";
import { SelectField, TextField, sentence } from "./fields";

export type FormValues = {
  is_company: boolean;
  first_name: string;
  last_name: string;
  company_name: string;
  title: string;
  status: string;
  owner_id: string;
  phones: Phone[];
  emails: Email[];
  address: Address;
  name: string;
  amount: string;
  currency: string;
  stage: DealStage;
  expected_close: string;
  contact_ids: string[];
};

const EMPTY_ADDRESS: Address = { line1: "", line2: "", city: "", postal_code: "", region: "", country: "" };
const PHONE_LABELS = ["work", "mobile", "home", "other"];
/** The API keeps at most this many phone numbers and as many addresses per record. */
const MAX_ROWS = 5;
const EMAIL_LABELS = ["work", "personal", "other"];

export function initialValues(kind: RecordKind, ownerId: string, record?: CrmRecord): FormValues {
  const statuses: readonly string[] = kind === "lead" ? LEAD_STATUSES : CONTACT_STATUSES;
  return {
    is_company: record?.is_company ?? false,
    first_name: record?.first_name ?? "",
    last_name: record?.last_name ?? "",
    company_name: record?.company_name ?? "",
    title: record?.title ?? "",
    status: record?.status || statuses[0],
    owner_id: record?.owner_id || ownerId,
    phones: record?.phones.length ? record.phones.map((p) => ({ ...p })) : [{ label: "work", number: "" }],
    emails: record?.emails.length ? record.emails.map((e) => ({ ...e })) : [{ label: "work", address: "" }],
    address: { ...EMPTY_ADDRESS, ...record?.address },
    name: record?.name ?? "",
    amount: record?.amount ?? "",
    currency: record?.currency || "USD",
    stage: record?.stage ?? "open",
    expected_close: record?.expected_close ?? "",
    contact_ids: record?.contact_ids ?? [],
  };
}

type Payload = { body: RecordFields; phoneRows: number[]; emailRows: number[] };

/** The request body, and for each sent phone/email the form row it came from (blank rows are dropped). */
function toPayload(kind: RecordKind, values: FormValues): Payload {
  if (kind === "deal") {
    const { name, amount, currency, stage, expected_close, contact_ids, owner_id } = values;
    return {
      body: { name, amount, currency, stage, expected_close, contact_ids, owner_id },
      phoneRows: [],
      emailRows: [],
    };
  }
  const phoneRows = values.phones.flatMap((phone, index) => (phone.number.trim() ? [index] : []));
  const emailRows = values.emails.flatMap((email, index) => (email.address.trim() ? [index] : []));
  const { is_company, first_name, last_name, company_name, title, status, owner_id, address } = values;
  return {
    body: {
      is_company,
      first_name,
      last_name,
      company_name,
      title,
      status,
      owner_id,
      address,
      phones: phoneRows.map((index) => values.phones[index]),
      emails: emailRows.map((index) => values.emails[index]),
    },
    phoneRows,
    emailRows,
  };
}

/** API field paths (`emails.0.address`) renamed to the form's rows (`emails.2.address`). */
function mapFieldErrors(fields: Record<string, string>, payload: Payload): Record<string, string> {
  const mapped: Record<string, string> = {};
  for (const [key, message] of Object.entries(fields)) {
    const match = /^(phones|emails)\.(\d+)\.(\w+)$/.exec(key);
    if (match) {
      const rows = match[1] === "phones" ? payload.phoneRows : payload.emailRows;
      mapped[`${match[1]}.${rows[Number(match[2])] ?? match[2]}.${match[3]}`] = message;
    } else {
      mapped[key] = message;
    }
  }
  return mapped;
}

const KNOWN_FIELDS =
  /^(is_company|first_name|last_name|company_name|title|status|owner_id|name|amount|currency|stage|expected_close|contact_ids|phones|emails)(\.|$)|^address\./;

type Props = {
  kind: RecordKind;
  record?: CrmRecord;
  submitLabel: string;
  onSubmit: (body: RecordFields) => Promise<void>;
  onCancel: () => void;
};

export function RecordForm({ kind, record, submitLabel, onSubmit, onCancel }: Props) {
  const team = useTeam();
  const [values, setValues] = useState(() => initialValues(kind, team.me.id, record));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const set = <K extends keyof FormValues>(key: K, value: FormValues[K]) =>
    setValues((previous) => ({ ...previous, [key]: value }));

  const submit = async (event: Event) => {
    event.preventDefault();
    const payload = toPayload(kind, values);
    setBusy(true);
    setFormError(null);
    try {
      await onSubmit(payload.body);
    } catch (exc) {
      setBusy(false);
      if (exc instanceof ApiError && exc.status === 400 && Object.keys(exc.fields).length) {
        const mapped = mapFieldErrors(exc.fields, payload);
        setErrors(mapped);
        const unplaced = Object.entries(mapped).filter(([key]) => !KNOWN_FIELDS.test(key));
        setFormError(
          unplaced.length
            ? unplaced.map(([key, message]) => `${key}: ${message}`).join("; ")
            : "Please correct the highlighted fields.",
        );
        // Bring the first invalid field into view and focus, for keyboard and screen-reader users.
        window.setTimeout(
          () => document.querySelector<HTMLElement>(".dialog [aria-invalid='true']")?.focus(),
          0,
        );
      } else {
        setErrors({});
        setFormError(describeError(exc));
      }
      return;
    }
  };

  const reps = [...team.reps.values()];
  if (!team.reps.has(team.me.id)) reps.unshift(team.me);
  const owner: OwnerChoice = {
    options: reps.map((rep) => ({
      value: rep.id,
      label: rep.id === team.me.id ? `${rep.name} (you)` : rep.name,
    })),
    locked: record !== undefined && !mayReassignOrDelete(team, record),
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
        {kind === "deal" ? (
          <div class="form-grid">
            <TextField
              id="f-name"
              class="field-wide"
              label="Deal name"
              value={values.name}
              error={errors.name}
              autoFocus
              onInput={(v) => set("name", v)}
            />
            <TextField
              id="f-amount"
              label="Amount"
              value={values.amount}
              error={errors.amount}
              inputMode="decimal"
              placeholder="12000.00"
              onInput={(v) => set("amount", v)}
            />
            <TextField
              id="f-currency"
              label="Currency"
              value={values.currency}
              error={errors.currency}
              placeholder="USD"
              onInput={(v) => set("currency", v.toUpperCase())}
            />
            <SelectField
              id="f-stage"
              label="Stage"
              value={values.stage}
              error={errors.stage}
              options={DEAL_STAGES.map((s) => ({ value: s, label: capitalize(s) }))}
              onChange={(v) => set("stage", v as DealStage)}
            />
            <TextField
              id="f-expected_close"
              label="Expected close"
              type="date"
              value={values.expected_close}
              error={errors.expected_close}
              onInput={(v) => set("expected_close", v)}
            />
            <OwnerField
              owner={owner}
              value={values.owner_id}
              error={errors.owner_id}
              onChange={(v) => set("owner_id", v)}
            />
            <ContactPicker
              value={values.contact_ids}
              error={errors.contact_ids}
              onChange={(ids) => set("contact_ids", ids)}
            />
          </div>
        ) : (
          <PersonFields kind={kind} values={values} errors={errors} set={set} owner={owner} />
        )}
      </div>
      <footer class="form-actions">
        <button type="button" class="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" class="btn btn-primary" disabled={busy}>
          {busy ? "Saving…" : submitLabel}
        </button>
      </footer>
    </form>
  );
}

/** Who may be the owner, and whether the signed-in rep may change it (the owner or an admin only). */
type OwnerChoice = { options: { value: string; label: string }[]; locked: boolean };

type OwnerFieldProps = { owner: OwnerChoice; value: string; error?: string; onChange: (value: string) => void };

function OwnerField({ owner, value, error, onChange }: OwnerFieldProps) {
  return (
    <SelectField
      id="f-owner_id"
      label="Owner"
      value={value}
      error={error}
      options={owner.options}
      disabled={owner.locked}
      hint={owner.locked ? "Only the owner or an admin can give it to another rep." : undefined}
      onChange={onChange}
    />
  );
}

type PersonProps = {
  kind: RecordKind;
  values: FormValues;
  errors: Record<string, string>;
  set: <K extends keyof FormValues>(key: K, value: FormValues[K]) => void;
  owner: OwnerChoice;
};

function PersonFields({ kind, values, errors, set, owner }: PersonProps) {
  const statuses: readonly string[] = kind === "lead" ? LEAD_STATUSES : CONTACT_STATUSES;
  const setPhone = (index: number, patch: Partial<Phone>) =>
    set(
      "phones",
      values.phones.map((phone, i) => (i === index ? { ...phone, ...patch } : phone)),
    );
  const setEmail = (index: number, patch: Partial<Email>) =>
    set(
      "emails",
      values.emails.map((email, i) => (i === index ? { ...email, ...patch } : email)),
    );
  const setAddress = (key: keyof Address, value: string) =>
    set("address", { ...values.address, [key]: value });
  return (
    <div class="form-grid">
      <label class="checkbox field-wide">
        <input
          type="checkbox"
          checked={values.is_company}
          onChange={(e) => set("is_company", (e.target as HTMLInputElement).checked)}
        />
        This {kind} is a company
      </label>
      {!values.is_company && (
        <>
          <TextField
            id="f-first_name"
            label="First name"
            value={values.first_name}
            error={errors.first_name}
            autoFocus
            onInput={(v) => set("first_name", v)}
          />
          <TextField
            id="f-last_name"
            label="Last name"
            value={values.last_name}
            error={errors.last_name}
            onInput={(v) => set("last_name", v)}
          />
        </>
      )}
      <TextField
        id="f-company_name"
        label={values.is_company ? "Company name" : "Company"}
        value={values.company_name}
        error={errors.company_name}
        onInput={(v) => set("company_name", v)}
      />
      <TextField
        id="f-title"
        label="Title"
        value={values.title}
        error={errors.title}
        onInput={(v) => set("title", v)}
      />
      <SelectField
        id="f-status"
        label="Status"
        value={values.status}
        error={errors.status}
        options={statuses.map((s) => ({ value: s, label: capitalize(s) }))}
        onChange={(v) => set("status", v)}
      />
      <OwnerField owner={owner} value={values.owner_id} error={errors.owner_id} onChange={(v) => set("owner_id", v)} />

      <fieldset class="field-wide repeat">
        <legend>Phones</legend>
        {values.phones.map((phone, index) => (
          <div class="repeat-row" key={index}>
            <select
              class="input repeat-label"
              aria-label={`Phone ${index + 1} label`}
              value={phone.label}
              onChange={(e) => setPhone(index, { label: (e.target as HTMLSelectElement).value })}
            >
              {PHONE_LABELS.map((label) => (
                <option key={label} value={label}>
                  {capitalize(label)}
                </option>
              ))}
            </select>
            <TextField
              id={`f-phones-${index}`}
              label={index === 0 ? "Phone" : `Phone ${index + 1}`}
              class="repeat-value sr-label"
              type="tel"
              value={phone.number}
              error={errors[`phones.${index}.number`]}
              placeholder="+1 555 010 1234"
              onInput={(v) => setPhone(index, { number: v })}
            />
            {values.phones.length > 1 && (
              <button
                type="button"
                class="icon-btn"
                aria-label={`Remove phone ${index + 1}`}
                onClick={() =>
                  set(
                    "phones",
                    values.phones.filter((_, i) => i !== index),
                  )
                }
              >
                <Icon name="close" size={16} />
              </button>
            )}
          </div>
        ))}
        {errors.phones && <p class="field-error">{sentence(errors.phones)}</p>}
        {values.phones.length < MAX_ROWS && (
          <button
            type="button"
            class="btn btn-link btn-sm"
            onClick={() => set("phones", [...values.phones, { label: "mobile", number: "" }])}
          >
            <Icon name="plus" size={14} /> Add a phone
          </button>
        )}
      </fieldset>

      <fieldset class="field-wide repeat">
        <legend>Emails</legend>
        {values.emails.map((email, index) => (
          <div class="repeat-row" key={index}>
            <select
              class="input repeat-label"
              aria-label={`Email ${index + 1} label`}
              value={email.label}
              onChange={(e) => setEmail(index, { label: (e.target as HTMLSelectElement).value })}
            >
              {EMAIL_LABELS.map((label) => (
                <option key={label} value={label}>
                  {capitalize(label)}
                </option>
              ))}
            </select>
            <TextField
              id={`f-emails-${index}`}
              label={index === 0 ? "Email" : `Email ${index + 1}`}
              class="repeat-value sr-label"
              type="email"
              value={email.address}
              error={errors[`emails.${index}.address`]}
              placeholder="name@company.com"
              onInput={(v) => setEmail(index, { address: v })}
            />
            {values.emails.length > 1 && (
              <button
                type="button"
                class="icon-btn"
                aria-label={`Remove email ${index + 1}`}
                onClick={() =>
                  set(
                    "emails",
                    values.emails.filter((_, i) => i !== index),
                  )
                }
              >
                <Icon name="close" size={16} />
              </button>
            )}
          </div>
        ))}
        {errors.emails && <p class="field-error">{sentence(errors.emails)}</p>}
        {values.emails.length < MAX_ROWS && (
          <button
            type="button"
            class="btn btn-link btn-sm"
            onClick={() => set("emails", [...values.emails, { label: "personal", address: "" }])}
          >
            <Icon name="plus" size={14} /> Add an email
          </button>
        )}
      </fieldset>

      <fieldset class="field-wide address">
        <legend>Address</legend>
        <div class="form-grid">
          <TextField
            id="f-address-line1"
            class="field-wide"
            label="Street"
            value={values.address.line1}
            error={errors["address.line1"]}
            onInput={(v) => setAddress("line1", v)}
          />
          <TextField
            id="f-address-city"
            label="City"
            value={values.address.city}
            error={errors["address.city"]}
            onInput={(v) => setAddress("city", v)}
          />
          <TextField
            id="f-address-postal_code"
            label="Postal code"
            value={values.address.postal_code}
            error={errors["address.postal_code"]}
            onInput={(v) => setAddress("postal_code", v)}
          />
          <TextField
            id="f-address-region"
            label="Region"
            value={values.address.region}
            error={errors["address.region"]}
            onInput={(v) => setAddress("region", v)}
          />
          <TextField
            id="f-address-country"
            label="Country"
            value={values.address.country}
            error={errors["address.country"]}
            onInput={(v) => setAddress("country", v)}
          />
        </div>
      </fieldset>
    </div>
  );
}
