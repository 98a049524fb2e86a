DROP TABLE roadmap_task_recommendations;
DROP TABLE roadmap_tasks;
DROP TABLE roadmap_goals;
