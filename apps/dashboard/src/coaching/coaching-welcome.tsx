// The coach's first run: who the person is, their business and a first goal, so the coach has
// context from the first message. Each part is saved with its own procedure; the profile is
// marked onboarded last, so a failure half-way shows this form again with what was saved.
import type { RouterOutputs } from "@switchboard/api";
import { type FormEvent, useState } from "react";
import { type AppErrorView, readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { FormError, TextAreaField, TextField } from "../pages/form-fields.tsx";
import { useOutageAwareProblem } from "../session/use-connection.ts";
import { browserTimeZone } from "./coaching-labels.ts";

type Profile = RouterOutputs["coaching"]["profile"]["get"];
type Business = RouterOutputs["coaching"]["business"]["get"];

export function CoachingWelcome({ profile, business }: { profile: Profile; business: Business }) {
  const utils = trpc.useUtils();
  const saveProfile = trpc.coaching.profile.upsert.useMutation();
  const saveBusiness = trpc.coaching.business.upsert.useMutation();
  const createGoal = trpc.coaching.goals.create.useMutation();
  const [problem, setProblem] = useOutageAwareProblem<AppErrorView>();
  const [saving, setSaving] = useState(false);
  const fieldErrors = problem?.fieldErrors ?? {};

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? "").trim();
    setProblem(null);
    setSaving(true);
    try {
      const timezone = text("timezone") || "UTC";
      await saveProfile.mutateAsync({ displayName: text("displayName"), timezone });
      const teamSize = text("teamSize");
      await saveBusiness.mutateAsync({
        companyName: text("companyName"),
        role: text("role"),
        industry: text("industry"),
        teamSize: teamSize ? Number(teamSize) : null,
        challenges: text("challenges"),
      });
      if (text("goal")) await createGoal.mutateAsync({ title: text("goal") });
      await saveProfile.mutateAsync({ displayName: text("displayName"), onboardingCompleted: true });
      await Promise.all([utils.coaching.profile.invalidate(), utils.coaching.goals.invalidate()]);
    } catch (error) {
      setProblem(readAppError(error), error);
      void utils.coaching.business.invalidate();
    } finally {
      setSaving(false);
    }
  };

  const marksFields = Object.keys(fieldErrors).length > 0;
  return (
    <section aria-labelledby="welcome-heading" className="panel">
      <h2 id="welcome-heading">Meet your coach</h2>
      <p>Tell your coach a little about yourself and your business. You can change all of it later.</p>
      <form className="coaching-form" onSubmit={(event) => void submit(event)} noValidate aria-busy={saving}>
        <FormError message={marksFields ? "Please check the fields marked below." : problem?.message} />
        <div className="field-pair">
          <TextField
            label="Your name"
            name="displayName"
            required
            defaultValue={profile?.displayName ?? ""}
            errors={fieldErrors.displayName}
          />
          <TextField
            label="Time zone"
            name="timezone"
            defaultValue={profile?.timezone ?? browserTimeZone()}
            hint="Your daily summary follows your day."
            errors={fieldErrors.timezone}
          />
        </div>
        <div className="field-pair">
          <TextField
            label="Company"
            name="companyName"
            required
            defaultValue={business?.companyName ?? ""}
            errors={fieldErrors.companyName}
          />
          <TextField
            label="Your role"
            name="role"
            required
            defaultValue={business?.role ?? ""}
            errors={fieldErrors.role}
          />
        </div>
        <div className="field-pair">
          <TextField
            label="Industry"
            name="industry"
            required
            defaultValue={business?.industry ?? ""}
            errors={fieldErrors.industry}
          />
          <TextField
            label="Team size"
            name="teamSize"
            type="number"
            inputMode="numeric"
            defaultValue={business?.teamSize ?? ""}
            errors={fieldErrors.teamSize}
          />
        </div>
        <TextAreaField
          label="What's hard right now?"
          name="challenges"
          rows={3}
          defaultValue={business?.challenges ?? ""}
          errors={fieldErrors.challenges}
        />
        <TextField
          label="A first goal (optional)"
          name="goal"
          hint="For example: Hire two engineers by March."
          errors={fieldErrors.title}
        />
        <button type="submit" disabled={saving}>
          {saving ? "Saving…" : "Start coaching"}
        </button>
      </form>
    </section>
  );
}
