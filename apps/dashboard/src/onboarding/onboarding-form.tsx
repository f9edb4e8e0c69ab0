// A business's details and its plan. Every rule is the server's: its plain-language field
// errors appear under the fields they are about. With Stripe configured the person goes on to
// Stripe's payment page (which brings them back to the onboarding's page); without it, straight
// to the onboarding's page, which says that no payment is taken.
import { useNavigate } from "@tanstack/react-router";
import { type FormEvent, useEffect, useRef, useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { FormError, RadioGroupField, TextField } from "../pages/form-fields.tsx";
import { formatPlanPrice, type Plan, planPriceHint } from "./onboarding-labels.ts";

/** The fields this form shows errors under (the server's field paths). */
const markedFields = new Set(["businessName", "industry", "email", "phone", "website", "plan"]);

export function OnboardingForm({ defaultEmail }: { defaultEmail: string }) {
  const utils = trpc.useUtils();
  const navigate = useNavigate();
  const formRef = useRef<HTMLFormElement>(null);
  const [leavingForPayment, setLeavingForPayment] = useState(false);
  const plans = trpc.onboarding.plans.useQuery(undefined, { staleTime: Number.POSITIVE_INFINITY });
  const planOptions = (plans.data ?? []).map((offer) => ({
    value: offer.plan,
    label: offer.name,
    description: formatPlanPrice(offer),
  }));
  const start = trpc.onboarding.start.useMutation({
    onSuccess: (result) => {
      void utils.onboarding.mine.invalidate();
      if (result.paymentMode === "stripe" && result.checkoutUrl) {
        setLeavingForPayment(true);
        window.location.assign(result.checkoutUrl);
        return;
      }
      void navigate({ to: "/onboarding/$sessionId", params: { sessionId: result.sessionId } });
    },
  });
  const error = start.error ? readAppError(start.error) : null;
  const fieldErrors = error?.fieldErrors ?? {};
  const marksFields = Object.keys(fieldErrors).some((field) => markedFields.has(field));
  const summary = marksFields ? "Please check the fields marked below." : (error?.message ?? null);

  // After a failed attempt, put the cursor in the first field that needs attention.
  useEffect(() => {
    if (!start.error) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]:is(input, select, textarea)')?.focus();
  }, [start.error]);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? "");
    const website = text("website").trim();
    start.mutate({
      businessName: text("businessName"),
      industry: text("industry"),
      email: text("email").trim(),
      phone: text("phone"),
      website: website || null,
      plan: (text("plan") || "starter") as Plan,
    });
  };

  const busy = start.isPending || leavingForPayment;
  return (
    <form ref={formRef} className="onboarding-form" onSubmit={onSubmit} noValidate aria-busy={busy}>
      <FormError message={summary} />
      <TextField
        label="Business name"
        name="businessName"
        autoComplete="organization"
        required
        errors={fieldErrors.businessName}
      />
      <TextField
        label="Industry"
        name="industry"
        autoComplete="off"
        required
        hint="For example: auto repair, dental practice, bakery."
        errors={fieldErrors.industry}
      />
      <div className="field-pair">
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          defaultValue={defaultEmail}
          required
          errors={fieldErrors.email}
        />
        <TextField label="Phone" name="phone" type="tel" autoComplete="tel" required errors={fieldErrors.phone} />
      </div>
      <TextField
        label="Website"
        name="website"
        type="url"
        autoComplete="url"
        placeholder="https://"
        hint="Optional. The full address, starting with http:// or https://."
        errors={fieldErrors.website}
      />
      <RadioGroupField
        legend="Plan"
        name="plan"
        defaultValue="starter"
        options={planOptions}
        hint={planPriceHint(plans.data ?? [])}
        errors={fieldErrors.plan}
      />
      <button type="submit" disabled={busy}>
        {leavingForPayment ? "Taking you to payment…" : start.isPending ? "Starting…" : "Start setup"}
      </button>
    </form>
  );
}
