CREATE TABLE "deliveries" (
	"key" text PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"recipient" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "segment_cadences" (
	"team_id" integer NOT NULL,
	"segment" text NOT NULL,
	"days" integer NOT NULL,
	CONSTRAINT "segment_cadences_team_id_segment_pk" PRIMARY KEY("team_id","segment")
);
--> statement-breakpoint
ALTER TABLE "segment_cadences" ADD CONSTRAINT "segment_cadences_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deliveries_recipient_idx" ON "deliveries" USING btree ("kind","recipient","sent_at");