// An API key's secret, shown the one time it can be: in a read-only field to select or copy,
// with its fingerprint to recognise it by later. Used where a key is handed over (onboarding's
// reveal, a new key in an organization's settings); the secret lives only in the caller's state.
import { useId, useState } from "react";

export function RevealedApiKey({ secret, fingerprint }: { secret: string; fingerprint: string }) {
  const id = useId();
  const [copy, setCopy] = useState<"idle" | "copied" | "failed">("idle");

  const copyToClipboard = () => {
    setCopy("idle");
    navigator.clipboard.writeText(secret).then(
      () => setCopy("copied"),
      () => setCopy("failed"),
    );
  };

  return (
    <>
      <div className="field">
        <label htmlFor={id}>API key</label>
        <div className="secret-row">
          <input
            id={id}
            className="secret"
            readOnly
            value={secret}
            spellCheck={false}
            aria-describedby={`${id}-note`}
            onFocus={(event) => event.currentTarget.select()}
          />
          <button type="button" className="secondary" onClick={copyToClipboard}>
            Copy
          </button>
        </div>
        <p className="hint" id={`${id}-note`}>
          Copy it now and keep it somewhere safe: this is the only time we show it. Its fingerprint is{" "}
          <code className="fingerprint">{fingerprint}</code>.
        </p>
      </div>
      <p className="saved-note" role="status">
        {copy === "copied" ? "Copied" : copy === "failed" ? "Couldn't copy: select the key and copy it yourself." : ""}
      </p>
    </>
  );
}
