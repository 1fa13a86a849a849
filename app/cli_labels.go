package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/sessions-app/sessions/backend/labels"
	"github.com/sessions-app/sessions/backend/store"
)

// The label and field commands, for people who script them. They call the
// same services as the UI; a command naming several labels or fields
// changes them in one transaction.

// withServices opens the library and runs fn with services over it.
func withServices(ctx context.Context, cfg Config, fn func(*Services) error) error {
	b, err := open(ctx, cfg)
	if err != nil {
		return err
	}
	defer b.Close()
	svc := b.services(ctx)
	defer svc.Stop()
	return fn(svc)
}

// changeError turns a refusal of the rules (a bad name, colour or value,
// an existing name) into a usage error: the command line was wrong, not
// the program.
func changeError(err error) error {
	if errors.Is(err, labels.ErrInvalid) || errors.Is(err, store.ErrExists) {
		return usageError{err}
	}
	return err
}

func runLabels(ctx context.Context, cfg Config, args []string, stdout, stderr io.Writer) error {
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	fset := newFlagSet("labels", &cfg)
	asJSON := fset.Bool("json", false, "json")
	color := fset.String("color", "", "#RRGGBB")
	pos, err := parseInterleaved(fset, args)
	if err != nil {
		return err
	}
	want := map[string]int{"": 0, "create": 1, "rename": 2, "color": 2, "delete": 1}
	n, ok := want[sub]
	if !ok {
		return usageError{fmt.Errorf("unknown labels command %q (want create, rename, color or delete)", sub)}
	}
	if len(pos) != n {
		usage := map[string]string{"": "sessions labels [--json]", "create": "sessions labels create NAME [--color #RRGGBB]",
			"rename": "sessions labels rename OLD NEW", "color": "sessions labels color NAME #RRGGBB", "delete": "sessions labels delete NAME"}
		return usageError{fmt.Errorf("want: %s", usage[sub])}
	}
	if *color != "" && sub != "create" {
		return usageError{errors.New("--color goes with labels create; to recolour: sessions labels color NAME #RRGGBB")}
	}
	return withServices(ctx, cfg, func(svc *Services) error {
		if sub == "" {
			list, err := svc.Labels.ListLabels()
			if err != nil {
				return err
			}
			if *asJSON {
				return writeJSON(stdout, list)
			}
			if len(list) == 0 {
				fmt.Fprintln(stdout, "No labels yet. Add one: sessions labels create NAME, or sessions label ID NAME")
				return nil
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tCOLOR\tSESSIONS")
			for _, l := range list {
				fmt.Fprintf(tw, "%s\t%s\t%d\n", termLine(l.Name), l.Color, l.Sessions)
			}
			return tw.Flush()
		}
		var l *LabelView
		var err error
		switch sub {
		case "create":
			l, err = svc.Labels.CreateLabel(LabelInput{Name: pos[0], Color: *color})
		case "rename", "color", "delete":
			var found LabelView
			if found, err = labelByName(svc, pos[0]); err != nil {
				return err
			}
			switch sub {
			case "rename":
				l, err = svc.Labels.UpdateLabel(found.ID, LabelInput{Name: pos[1]})
			case "color":
				l, err = svc.Labels.UpdateLabel(found.ID, LabelInput{Color: pos[1]})
			default:
				if err = svc.Labels.DeleteLabel(found.ID); err == nil {
					fmt.Fprintf(stdout, "Deleted label %s (it was on %s).\n", termLine(found.Name), plural(found.Sessions, "session"))
					return nil
				}
			}
		}
		if err != nil {
			return changeError(err)
		}
		if *asJSON {
			return writeJSON(stdout, l)
		}
		fmt.Fprintf(stdout, "Label %s %s, on %s.\n", termLine(l.Name), l.Color, plural(l.Sessions, "session"))
		return nil
	})
}

// labelByName finds a label as filters do (case and accents folded).
func labelByName(svc *Services, name string) (LabelView, error) {
	list, err := svc.Labels.ListLabels()
	if err != nil {
		return LabelView{}, err
	}
	for _, l := range list {
		if labels.Fold(l.Name) == labels.Fold(name) {
			return l, nil
		}
	}
	return LabelView{}, fmt.Errorf("no label %q (see: sessions labels)", name)
}

// sessionArgs parses ID VALUE... of label, unlabel and field.
func sessionArgs(cmd string, cfg *Config, args []string, what string) (int64, []string, error) {
	fset := newFlagSet(cmd, cfg)
	pos, err := parseInterleaved(fset, args)
	if err != nil {
		return 0, nil, err
	}
	if len(pos) < 2 {
		return 0, nil, usageError{fmt.Errorf("want: sessions %s ID %s (one or more)", cmd, what)}
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil || id <= 0 {
		return 0, nil, usageError{fmt.Errorf("session ID %q is not a number", pos[0])}
	}
	return id, pos[1:], nil
}

func runLabel(ctx context.Context, cfg Config, args []string, stdout, _ io.Writer) error {
	return labelCommand(ctx, cfg, "label", args, stdout)
}

func runUnlabel(ctx context.Context, cfg Config, args []string, stdout, _ io.Writer) error {
	return labelCommand(ctx, cfg, "unlabel", args, stdout)
}

func labelCommand(ctx context.Context, cfg Config, cmd string, args []string, stdout io.Writer) error {
	id, names, err := sessionArgs(cmd, &cfg, args, "NAME")
	if err != nil {
		return err
	}
	return withServices(ctx, cfg, func(svc *Services) error {
		if err := svc.Labels.changeSession(id, cmd == "label", names); err != nil {
			return changeError(err)
		}
		return printSessionTags(svc, id, stdout)
	})
}

func runField(ctx context.Context, cfg Config, args []string, stdout, _ io.Writer) error {
	id, pairs, err := sessionArgs("field", &cfg, args, "KEY=VALUE")
	if err != nil {
		return err
	}
	values := make([][2]string, 0, len(pairs))
	for _, kv := range pairs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return usageError{fmt.Errorf("%q: want KEY=VALUE (KEY= clears it)", kv)}
		}
		values = append(values, [2]string{strings.TrimSpace(k), v})
	}
	return withServices(ctx, cfg, func(svc *Services) error {
		if err := svc.Fields.setSession(id, values); err != nil {
			if errors.Is(err, store.ErrNotFound) && !strings.Contains(err.Error(), "session") {
				return usageError{fmt.Errorf("%w (define it: sessions fields define KEY --name NAME --type TYPE)", err)}
			}
			return changeError(err)
		}
		return printSessionTags(svc, id, stdout)
	})
}

// printSessionTags prints a session's labels and fields after a change.
func printSessionTags(svc *Services, id int64, stdout io.Writer) error {
	d, err := svc.Sessions.GetSession(id)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Session %d\n", id)
	printTags(stdout, d.SessionView)
	return nil
}

// printTags prints the labels and custom fields of a session (show, and
// after label, unlabel and field).
func printTags(w io.Writer, s SessionView) {
	if len(s.Labels) > 0 {
		names := make([]string, len(s.Labels))
		for i, l := range s.Labels {
			names[i] = termLine(l.Name)
		}
		fmt.Fprintf(w, "Labels: %s\n", strings.Join(names, ", "))
	} else {
		fmt.Fprintln(w, "Labels: none")
	}
	keys := make([]string, 0, len(s.Fields))
	for k := range s.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%s: %s\n", termLine(k), termLine(s.Fields[k]))
	}
}

func runFields(ctx context.Context, cfg Config, args []string, stdout, _ io.Writer) error {
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	fset := newFlagSet("fields", &cfg)
	asJSON := fset.Bool("json", false, "json")
	name := fset.String("name", "", "name")
	typ := fset.String("type", "", "type")
	choices := fset.String("choices", "", "a,b,c")
	pos, err := parseInterleaved(fset, args)
	if err != nil {
		return err
	}
	switch sub {
	case "":
		if len(pos) > 0 || *name != "" || *typ != "" || *choices != "" {
			return usageError{errors.New("want: sessions fields [--json], or sessions fields define KEY --name NAME --type TYPE")}
		}
	case "define":
		if len(pos) != 1 {
			return usageError{errors.New("want: sessions fields define KEY --name NAME --type text|number|date|choice [--choices a,b,c]")}
		}
		if *typ == "" {
			return usageError{errors.New("--type: want text, number, date or choice")}
		}
	default:
		return usageError{fmt.Errorf("unknown fields command %q (want define)", sub)}
	}
	return withServices(ctx, cfg, func(svc *Services) error {
		if sub == "define" {
			in := FieldInput{Key: pos[0], Name: *name, Type: *typ}
			if *choices != "" {
				in.Choices = strings.Split(*choices, ",")
			}
			f, err := svc.Fields.DefineField(in)
			if err != nil {
				return changeError(err)
			}
			if *asJSON {
				return writeJSON(stdout, f)
			}
			fmt.Fprintf(stdout, "Field %s (%s), %s%s. Set it: sessions field ID %s=VALUE\n",
				termLine(f.Key), termLine(f.Name), f.Type, choiceList(f.Choices), termLine(f.Key))
			return nil
		}
		list, err := svc.Fields.ListFields()
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(stdout, list)
		}
		if len(list) == 0 {
			fmt.Fprintln(stdout, "No custom fields yet. Define one: sessions fields define KEY --name NAME --type text")
			return nil
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "KEY\tNAME\tTYPE\tSESSIONS")
		for _, f := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s%s\t%d\n", termLine(f.Key), termLine(f.Name), f.Type, choiceList(f.Choices), f.Sessions)
		}
		return tw.Flush()
	})
}

func choiceList(choices []string) string {
	if len(choices) == 0 {
		return ""
	}
	return " (" + termLine(strings.Join(choices, ", ")) + ")"
}

// changeSession adds (or removes) labels on a session in one transaction.
func (s *LabelsService) changeSession(sessionID int64, add bool, names []string) error {
	return s.c.change(func(ctx context.Context, tx *store.Tx) error {
		for _, n := range names {
			var err error
			if add {
				err = tx.LabelSession(ctx, sessionID, n, s.c.now().UnixMilli())
			} else {
				err = tx.UnlabelSession(ctx, sessionID, n)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// setSession sets (or, with "", clears) several fields of a session in one
// transaction.
func (s *FieldsService) setSession(sessionID int64, values [][2]string) error {
	return s.c.change(func(ctx context.Context, tx *store.Tx) error {
		for _, kv := range values {
			if _, err := tx.SetSessionField(ctx, sessionID, kv[0], kv[1]); err != nil {
				return err
			}
		}
		return nil
	})
}
