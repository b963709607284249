import { useId, useRef, useState } from 'preact/hooks';

/** A secret shown this once: read-only, with a copy button and a clear warning (a recoverable token's can be revealed again, audited). */
export function SecretOnce({ secret, label, recoverable = false }: { secret: string; label: string; recoverable?: boolean }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setStatus('copied');
    } catch {
      input.current?.select();
      setStatus('failed');
    }
  }

  return (
    <div class="secret-once">
      <p class="alert alert-warning">
        {recoverable ? (
          <>
            <strong>Copy this secret now.</strong> This token is recoverable: a token with tokens:reveal can reveal it again, and each reveal is
            audited.
          </>
        ) : (
          <>
            <strong>Copy this secret now: you will not see this again.</strong> Warden keeps only a hash of it.
          </>
        )}
      </p>
      <label for={id}>{label}</label>
      <div class="copy-row">
        <input
          id={id}
          ref={input}
          class="mono"
          type="text"
          readOnly
          value={secret}
          spellcheck={false}
          autocomplete="off"
          data-secret
          onFocus={(event) => (event.currentTarget as HTMLInputElement).select()}
        />
        <button type="button" class="button" onClick={copy}>
          Copy
        </button>
      </div>
      <p class="muted small" aria-live="polite">
        {status === 'copied' ? 'Copied to the clipboard.' : status === 'failed' ? 'Copying is blocked here; the secret is selected: press Ctrl+C.' : ''}
      </p>
    </div>
  );
}
