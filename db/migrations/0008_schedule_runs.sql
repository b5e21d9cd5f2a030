CREATE TABLE "schedule_runs" (
	"team_id" integer NOT NULL,
	"kind" text NOT NULL,
	"slot" date NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "schedule_runs_team_id_kind_slot_pk" PRIMARY KEY("team_id","kind","slot")
);
--> statement-breakpoint
ALTER TABLE "schedule_runs" ADD CONSTRAINT "schedule_runs_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;