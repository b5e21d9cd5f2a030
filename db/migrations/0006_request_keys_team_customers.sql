CREATE TABLE "request_keys" (
	"key" text PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "teams" ADD COLUMN "team_customers" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "request_keys_at_idx" ON "request_keys" USING btree ("at");