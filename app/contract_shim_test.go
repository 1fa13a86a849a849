package app

import (
	"sort"
	"testing"
)

// contractMethods stands in for contractOf(NewServices(...).Bindings())
// until the services land: today's API methods, grouped as the contract
// groups them.
func contractMethods(t *testing.T) []Method {
	t.Helper()
	group := map[string]string{
		"ListSessions": "SessionsService", "GetSession": "SessionsService", "ContactSessions": "SessionsService",
		"GetConversation": "ConversationsService",
		"ImportFiles":     "ImportsService", "ChooseAndImport": "ImportsService", "WatchFolder": "ImportsService",
		"ChooseWatchFolder": "ImportsService", "SetWatchFolder": "ImportsService",
		"SummaryStatus": "SummariesService", "Resummarize": "SummariesService", "CancelSummaries": "SummariesService",
		"AppInfo": "SettingsService",
	}
	ms, err := contractOf([]any{&API{}})
	if err != nil {
		t.Fatal(err)
	}
	var out []Method
	for _, m := range ms {
		if s, ok := group[m.Name]; ok {
			m.Service = s
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Service != out[j].Service {
			return out[i].Service < out[j].Service
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// shimDocs reads the API's method docs and parameter names for the services.
func shimDocs(methods []Method, docs Docs, params ParamNames) {
	for _, m := range methods {
		k := m.Service + "." + m.Name
		if _, ok := params[k]; !ok {
			params[k] = params["API."+m.Name]
		}
		if _, ok := docs[pkgPathApp+"."+k]; !ok {
			docs[pkgPathApp+"."+k] = docs[pkgPathApp+".API."+m.Name]
		}
	}
}
