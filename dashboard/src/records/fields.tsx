/** Labelled form controls that show the API's field errors next to the field they concern. */

import type { ComponentChildren, JSX } from "preact";

/** The API's messages are lower-case fragments ("not a valid email address"). */
export function sentence(message: string): string {
  return message ? message[0].toUpperCase() + message.slice(1) : message;
}

type Common = { id: string; label: string; error?: string; hint?: string; class?: string };

function describedBy(id: string, error?: string, hint?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

/** A field's hint, or the API's error in its place; ids that the control's aria-describedby names. */
function FieldMessages({ id, error, hint }: { id: string; error?: string; hint?: string }) {
  return (
    <>
      {hint && !error && (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} class="field-error">
          {sentence(error)}
        </p>
      )}
    </>
  );
}

function FieldShell({
  id,
  label,
  error,
  hint,
  class: className,
  children,
}: Common & { children: ComponentChildren }) {
  return (
    <div class={className ? `field ${className}` : "field"}>
      <label for={id}>{label}</label>
      {children}
      <FieldMessages id={id} error={error} hint={hint} />
    </div>
  );
}

type TextFieldProps = Common & {
  value: string;
  onInput: (value: string) => void;
  type?: string;
  autoFocus?: boolean;
  placeholder?: string;
  inputMode?: JSX.HTMLAttributes<HTMLInputElement>["inputMode"];
  autocomplete?: string;
};

export function TextField(props: TextFieldProps) {
  const {
    id,
    value,
    onInput,
    type = "text",
    error,
    hint,
    autoFocus,
    placeholder,
    inputMode,
    autocomplete,
  } = props;
  return (
    <FieldShell {...props}>
      <input
        id={id}
        type={type}
        class={error ? "input invalid" : "input"}
        value={value}
        autoFocus={autoFocus}
        placeholder={placeholder}
        inputMode={inputMode}
        autocomplete={autocomplete ?? "off"}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy(id, error, hint)}
        onInput={(event) => onInput((event.target as HTMLInputElement).value)}
      />
    </FieldShell>
  );
}

type TextAreaFieldProps = Common & {
  value: string;
  onInput: (value: string) => void;
  rows?: number;
  maxLength?: number;
  disabled?: boolean;
  placeholder?: string;
};

export function TextAreaField(props: TextAreaFieldProps) {
  const { id, value, onInput, rows = 3, maxLength, disabled, placeholder, error, hint } = props;
  return (
    <FieldShell {...props}>
      <textarea
        id={id}
        class={error ? "input invalid" : "input"}
        rows={rows}
        value={value}
        maxLength={maxLength}
        disabled={disabled}
        placeholder={placeholder}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy(id, error, hint)}
        onInput={(event) => onInput((event.target as HTMLTextAreaElement).value)}
      />
    </FieldShell>
  );
}

type SwitchFieldProps = {
  id: string;
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  hint?: string;
  error?: string;
};

/** An on/off setting: a real checkbox drawn as a switch, its hint and the API's error below it. */
export function SwitchField({ id, label, checked, onChange, hint, error }: SwitchFieldProps) {
  return (
    <div class="field">
      <label class="switch">
        <input
          id={id}
          type="checkbox"
          checked={checked}
          aria-invalid={error ? "true" : undefined}
          aria-describedby={describedBy(id, error, hint)}
          onChange={(event) => onChange((event.target as HTMLInputElement).checked)}
        />
        <span class="switch-track" aria-hidden="true" />
        {label}
      </label>
      <FieldMessages id={id} error={error} hint={hint} />
    </div>
  );
}

type SelectFieldProps = Common & {
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  disabled?: boolean;
};

export function SelectField(props: SelectFieldProps) {
  const { id, value, onChange, options, error, hint, disabled } = props;
  return (
    <FieldShell {...props}>
      <select
        id={id}
        class={error ? "input invalid" : "input"}
        value={value}
        disabled={disabled}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy(id, error, hint)}
        onChange={(event) => onChange((event.target as HTMLSelectElement).value)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}
