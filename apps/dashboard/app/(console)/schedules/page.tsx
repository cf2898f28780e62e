import type { Metadata } from "next";
import { NotBuilt } from "../../../components/panel.tsx";

export const metadata: Metadata = { title: "Schedules" };

export default function SchedulesPage() {
  return (
    <NotBuilt
      title="Schedules"
      will={[
        "Code-defined schedules with their next runs",
        "Run a schedule now",
      ]}
      waitsFor="schedules in the engine"
    />
  );
}
