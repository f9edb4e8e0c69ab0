// The mechanic's own profile: the name customers see when a request is accepted, what they
// are good at, and whether they are taking work.
import type { RouterOutputs } from "@switchboard/api";
import { type FormEvent, useState } from "react";
import { readAppError } from "../api/app-error.ts";
import { trpc } from "../api/trpc.ts";
import { FormError, SelectField, TextField } from "../pages/form-fields.tsx";
import { ratingSummary } from "./request-labels.ts";

type MechanicProfile = RouterOutputs["requests"]["mechanicProfile"];
type Availability = MechanicProfile["availability"];

const availabilityOptions: { value: Availability; label: string }[] = [
  { value: "available", label: "Available" },
  { value: "busy", label: "Busy" },
  { value: "offline", label: "Offline" },
];

/** "engine, brakes ,, hybrid" → ["engine", "brakes", "hybrid"] */
function parseSpecialties(text: string): string[] {
  return text
    .split(",")
    .map((specialty) => specialty.trim())
    .filter(Boolean);
}

/** Errors for one field, including those the server files under its items ("specialties.3"). */
function errorsFor(fieldErrors: Record<string, string[]>, field: string): string[] | undefined {
  const messages = Object.entries(fieldErrors)
    .filter(([key]) => key === field || key.startsWith(`${field}.`))
    .flatMap(([, list]) => list);
  return messages.length > 0 ? [...new Set(messages)] : undefined;
}

export function MechanicProfileSection() {
  const profile = trpc.requests.mechanicProfile.useQuery();
  return (
    <section aria-labelledby="profile-heading" className="panel">
      <h2 id="profile-heading">Your mechanic profile</h2>
      {profile.data ? (
        <>
          <section aria-labelledby="ratings-heading" className="profile-ratings">
            <h3 id="ratings-heading">Your rating</h3>
            <p className="rating-summary">{ratingSummary(profile.data.ratingAverage, profile.data.ratingCount)}</p>
          </section>
          <MechanicProfileForm profile={profile.data} />
        </>
      ) : profile.error ? (
        <p className="form-error">{readAppError(profile.error).message}</p>
      ) : (
        <p className="loading">Loading your profile…</p>
      )}
    </section>
  );
}

function MechanicProfileForm({ profile }: { profile: MechanicProfile }) {
  const utils = trpc.useUtils();
  const [saved, setSaved] = useState(false);
  const update = trpc.requests.updateMechanicProfile.useMutation({
    onMutate: () => setSaved(false),
    onSuccess: (result) => {
      utils.requests.mechanicProfile.setData(undefined, result);
      setSaved(true);
    },
  });
  const error = update.error ? readAppError(update.error) : null;
  const fieldErrors = error?.fieldErrors ?? {};

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    update.mutate({
      displayName: String(form.get("displayName") ?? ""),
      specialties: parseSpecialties(String(form.get("specialties") ?? "")),
      availability: String(form.get("availability") ?? "available") as Availability,
    });
  };

  return (
    <form className="profile-form" onSubmit={submit} noValidate aria-busy={update.isPending}>
      <FormError message={error && Object.keys(fieldErrors).length === 0 ? error.message : null} />
      <TextField
        label="Display name"
        name="displayName"
        defaultValue={profile.displayName}
        hint="Customers see this name when you accept their request."
        required
        errors={errorsFor(fieldErrors, "displayName")}
      />
      <TextField
        label="Specialties"
        name="specialties"
        defaultValue={profile.specialties.join(", ")}
        hint="Separate them with commas; up to 12."
        errors={errorsFor(fieldErrors, "specialties")}
      />
      <SelectField
        label="Availability"
        name="availability"
        defaultValue={profile.availability}
        options={availabilityOptions}
        errors={errorsFor(fieldErrors, "availability")}
      />
      <div className="form-actions">
        <button type="submit" disabled={update.isPending}>
          {update.isPending ? "Saving…" : "Save profile"}
        </button>
        <p className="saved-note" aria-live="polite">
          {saved ? "Profile saved." : ""}
        </p>
      </div>
    </form>
  );
}
