package summarize

import (
	"context"
	"fmt"
	"slices"
)

// Models lists the models the server has (/api/tags), sorted by name: the
// settings page's "test connection". Errors are Check's: ErrOllamaDown
// with the URL, or ctx's.
func (o *Ollama) Models(ctx context.Context) ([]string, error) {
	lctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	list, err := o.client.List(lctx)
	if err != nil {
		return nil, o.downError(ctx, "list the models of", err)
	}
	names := make([]string, 0, len(list.Models))
	for _, m := range list.Models {
		names = append(names, m.Name)
	}
	slices.Sort(names)
	return names, nil
}

// Model returns the model the summarizer asks for.
func (o *Ollama) Model() string { return o.model }

// Base returns the server's URL, completed (http://, port 11434).
func (o *Ollama) Base() string { return o.base }

// HasModel reports whether want is among the listed names, a name
// without a tag meaning ":latest" as in the ollama command.
func HasModel(listed []string, want string) bool {
	return slices.ContainsFunc(listed, func(n string) bool { return sameModel(n, want) })
}

// describeModels says what a model list means for want, for people.
func describeModels(base string, listed []string, want string) string {
	switch {
	case len(listed) == 0:
		return fmt.Sprintf("Ollama at %s answers but has no models (install one with: ollama pull %s)", base, want)
	case HasModel(listed, want):
		return fmt.Sprintf("Ollama at %s answers and has %s", base, want)
	default:
		return fmt.Sprintf("Ollama at %s answers, but %s is not installed (install it with: ollama pull %s)", base, want, want)
	}
}

// TestResult is the outcome of TestConnection.
type TestResult struct {
	// OK says the server answered and has the model.
	OK bool
	// Models are the server's models, when it answered.
	Models []string
	// Message says what was found, or why it failed, in a sentence.
	Message string
}

// TestConnection asks the server of cfg for its models and whether it
// has cfg's model. Only a configuration that cannot be used (a bad URL,
// another machine not allowed) is an error; a server that does not
// answer is a result saying so.
func TestConnection(ctx context.Context, cfg OllamaConfig) (TestResult, error) {
	o, err := NewOllama(cfg)
	if err != nil {
		return TestResult{}, err
	}
	models, err := o.Models(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return TestResult{}, err
		}
		return TestResult{Message: fmt.Sprintf("Ollama at %s does not answer (start it with: ollama serve)", o.base)}, nil
	}
	return TestResult{OK: HasModel(models, o.model), Models: models, Message: describeModels(o.base, models, o.model)}, nil
}
