-- e2e_errors: one connection, one error after another; after each, psql's SQLSTATE variable and a
-- plain select prove the error's code and that the connection is still usable.
\set VERBOSITY verbose
\set ON_ERROR_STOP 0
create temp table e2e_err_t(a int primary key);
insert into e2e_err_t values (1);

select * from e2e_no_such_table;
\echo case=undefined_table sqlstate=:SQLSTATE
select 'alive 1' as alive;

select e2e_no_such_column from e2e_err_t;
\echo case=undefined_column sqlstate=:SQLSTATE
select 'alive 2' as alive;

selec 1;
\echo case=syntax_error sqlstate=:SQLSTATE
select 'alive 3' as alive;

select 1,
  2 from from e2e_err_t;
\echo case=syntax_error_line_2 sqlstate=:SQLSTATE
select 'alive 4' as alive;

select 'héllo wörld ✓' as s from from;
\echo case=syntax_error_after_unicode sqlstate=:SQLSTATE
select 'alive 5a' as alive;

select 1 + ;
\echo case=syntax_error_at_semicolon sqlstate=:SQLSTATE
select 'alive 5b' as alive;

select 1 + /* c */ ; \; select 2;
\echo case=syntax_error_at_semicolon_after_comment sqlstate=:SQLSTATE
select 'alive 5c' as alive;

select 'héllo wörld ✓' as s, 1 +* 2;
\echo case=operator_after_unicode sqlstate=:SQLSTATE
select 'alive 5' as alive;

select 1/0;
\echo case=division_by_zero sqlstate=:SQLSTATE
select 'alive 6' as alive;

select e2e_no_such_function(1);
\echo case=undefined_function sqlstate=:SQLSTATE
select 'alive 7' as alive;

select 'abc'::int;
\echo case=invalid_text_representation sqlstate=:SQLSTATE
select 'alive 8' as alive;

insert into e2e_err_t values (1);
\echo case=unique_violation sqlstate=:SQLSTATE
select 'alive 9' as alive;

select count(*) as rows_after_errors from e2e_err_t;
\echo case=success sqlstate=:SQLSTATE
