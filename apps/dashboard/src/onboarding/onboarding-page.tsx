// The Onboarding product at /onboarding: a business signs up for a plan, and finds the
// onboardings it started before.
import { useDocumentTitle } from "../pages/use-document-title.ts";
import { MyOnboardings } from "./my-onboardings.tsx";
import { OnboardingForm } from "./onboarding-form.tsx";
import "./onboarding.css";

export function OnboardingPage({ email }: { email: string }) {
  useDocumentTitle("Onboarding");
  return (
    <section aria-labelledby="page-heading" className="onboarding-page">
      <h1 id="page-heading">Onboarding</h1>
      <p className="lead">
        Tell us about your business and choose a plan. We set up your organization, your workspace and your first API
        key, and you can watch each step happen.
      </p>
      <section aria-labelledby="onboarding-form-heading" className="panel">
        <h2 id="onboarding-form-heading">Set up your business</h2>
        <OnboardingForm defaultEmail={email} />
      </section>
      <MyOnboardings />
    </section>
  );
}
