// Package confver carries the configuration versions (the config_versions table) a request
// read, so that configuration an instance keeps in memory is checked against the database
// without a query of its own: the session read of every signed-in request returns the
// versions (account.Store.Session), the server puts them in the request's context, and a
// store keeping configuration in memory uses it only when it is at least that version.
package confver

import "context"

// Cohort is the version of the cohort configuration: cohorts, their target kab/kota, essay
// questions and required documents (bumped at the commit of any write to them, 000691).
const Cohort = "cohort"

type key struct{}

// With returns ctx carrying versions (by name).
func With(ctx context.Context, versions map[string]int64) context.Context {
	return context.WithValue(ctx, key{}, versions)
}

// Of returns the version of name that ctx carries; ok is false when the request read none
// (a signed-out request, a background job), and then nothing kept in memory may be used.
func Of(ctx context.Context, name string) (version int64, ok bool) {
	v, _ := ctx.Value(key{}).(map[string]int64)
	version, ok = v[name]
	return version, ok
}
