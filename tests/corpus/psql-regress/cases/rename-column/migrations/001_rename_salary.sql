-- Breaking: a column the traffic reads (emp.salary, inherited by stud_emp) renamed while the
-- statements still name it.
ALTER TABLE emp RENAME COLUMN salary TO pay;
