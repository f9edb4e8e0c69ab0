// "Are you sure?" for an action that cannot be undone (revoke a key, remove a member, cancel a
// request), built on Radix's AlertDialog: it is a modal alertdialog with its title and
// description wired to it, the rest of the page is hidden from assistive technology, Escape and
// Cancel close it, focus starts on Cancel (the safe answer) and goes back to the button that
// opened it. While the action runs the dialog stays open and says so; when it fails, its error
// is shown inside, in the API's words; when it succeeds, the dialog closes.
//
// No Radix Overlay: the overlay is what locks page scroll, and its scroll lock injects a <style>
// element that the server's Content-Security-Policy (style-src 'self') refuses. The backdrop
// here is a plain element styled from confirm-dialog.css, and AlertDialog already ignores
// clicks outside it.
import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { type ReactElement, type ReactNode, type RefObject, useState } from "react";
import { readAppError } from "../api/app-error.ts";
import "./confirm-dialog.css";

export interface ConfirmDialogProps {
  /**
   * The button that opens the dialog (rendered as is; Radix adds the dialog's aria attributes).
   * Without one, the page opens it (`open`, `onOpenChange`): a question that comes up on its
   * own, such as a form that finds on sending that it needs confirming.
   */
  trigger?: ReactElement;
  /** Open or closed, when the page decides (with `onOpenChange`); otherwise the trigger does. */
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  /** Without a trigger: where focus goes back to when the dialog closes (a trigger gets it back itself). */
  returnFocus?: RefObject<HTMLElement | null>;
  title: string;
  description: ReactNode;
  /** The destructive answer, said as what it does: "Revoke key", "Remove", "Cancel request". */
  confirmLabel: string;
  /** Shown on the confirm button while the action runs: "Revoking…". */
  pendingLabel: string;
  /** The safe answer (default "Keep it"), said so that it cannot be read as the action. */
  cancelLabel?: string;
  /** Runs the action; the dialog closes when it resolves and shows the error when it rejects. */
  onConfirm: () => Promise<unknown>;
  /** How a failure reads, when a page words one of the API's codes for its own reader. */
  errorMessage?: (error: unknown) => string;
}

export function ConfirmDialog({
  trigger,
  title,
  description,
  confirmLabel,
  pendingLabel,
  cancelLabel = "Keep it",
  onConfirm,
  errorMessage = (error) => readAppError(error).message,
  open: controlledOpen,
  onOpenChange,
  returnFocus,
}: ConfirmDialogProps) {
  const [ownOpen, setOwnOpen] = useState(false);
  const open = controlledOpen ?? ownOpen;
  const setOpen = (next: boolean) => {
    setOwnOpen(next);
    onOpenChange?.(next);
  };
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Opened by the page: the last time's error is not this time's.
  const [wasOpen, setWasOpen] = useState(open);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (open) setError(null);
  }

  const changeOpen = (next: boolean) => {
    // Escape while the action runs would hide its outcome: the dialog waits for it.
    if (pending) return;
    setOpen(next);
    if (next) setError(null);
  };

  const confirm = async () => {
    setPending(true);
    setError(null);
    try {
      await onConfirm();
      setOpen(false);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setPending(false);
    }
  };

  return (
    <AlertDialog.Root open={open} onOpenChange={changeOpen}>
      {trigger && <AlertDialog.Trigger asChild>{trigger}</AlertDialog.Trigger>}
      <AlertDialog.Portal>
        <div className="confirm-dialog-backdrop" aria-hidden="true" />
        <AlertDialog.Content
          className="confirm-dialog"
          aria-busy={pending}
          onCloseAutoFocus={(event) => {
            if (trigger || !returnFocus?.current) return;
            event.preventDefault();
            returnFocus.current.focus();
          }}
        >
          <AlertDialog.Title className="confirm-dialog-title">{title}</AlertDialog.Title>
          <AlertDialog.Description className="confirm-dialog-description">{description}</AlertDialog.Description>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="confirm-dialog-actions">
            <AlertDialog.Cancel asChild>
              <button type="button" className="secondary" disabled={pending}>
                {cancelLabel}
              </button>
            </AlertDialog.Cancel>
            {/* Not AlertDialog.Action: that closes the dialog at once, before the action's outcome. */}
            <button type="button" className="danger" disabled={pending} onClick={() => void confirm()}>
              {pending ? pendingLabel : confirmLabel}
            </button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
