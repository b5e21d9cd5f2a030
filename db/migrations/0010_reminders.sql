ALTER TABLE "schedule_runs" ADD COLUMN "zone" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "schedule_runs" DROP CONSTRAINT "schedule_runs_team_id_kind_slot_pk";--> statement-breakpoint
ALTER TABLE "schedule_runs" ADD CONSTRAINT "schedule_runs_team_id_kind_slot_zone_pk" PRIMARY KEY("team_id","kind","slot","zone");--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "remind_start" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "remind_end" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "reminders" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "reminder_start" text DEFAULT '09:00' NOT NULL;--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "reminder_end" text DEFAULT '17:30' NOT NULL;
