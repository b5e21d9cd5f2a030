ALTER TABLE "teams" ADD COLUMN "language" text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE "teams" ADD CONSTRAINT "teams_language" CHECK ("teams"."language" in ('en', 'zh-CN'));