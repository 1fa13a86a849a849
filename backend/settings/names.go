package settings

import "encoding/json"

// decodeNames reads a stored JSON list of names.
func decodeNames(v string) ([]string, error) {
	var list []string
	if err := json.Unmarshal([]byte(v), &list); err != nil {
		return nil, err
	}
	if list == nil {
		list = []string{}
	}
	return list, nil
}
