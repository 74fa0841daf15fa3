package cdktest

import (
	"fmt"
	"strconv"
	"strings"
)

// Deployed is what CloudFormation would resolve in one deployment: pseudo
// parameters, each resource's Ref, and its Fn::GetAtt attributes. Fill the
// attributes with the forms AWS documents for each resource type (see
// CognitoUserPool), never with what the code under test expects, so that
// Resolve shows what a deployed stack really receives.
type Deployed struct {
	// Pseudo are pseudo parameters (AWS::Region, AWS::URLSuffix, ...).
	Pseudo map[string]string
	// Refs maps a logical id to its Ref value.
	Refs map[string]string
	// Attrs maps "LogicalId.Attribute" to its Fn::GetAtt value.
	Attrs map[string]string
}

// CognitoUserPool adds a user pool with logical id logicalID and id poolID in
// region, with its Ref and its documented return values:
//
//	Ref          us-east-2_123456789
//	ProviderName cognito-idp.us-east-2.amazonaws.com/us-east-2_123456789
//	ProviderURL  https://cognito-idp.us-east-2.amazonaws.com/us-east-2_123456789
//
// Source: https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cognito-userpool.html#aws-resource-cognito-userpool-return-values
// (and aws/aws-cdk#22951, where CloudFormation rejected a template because
// ProviderURL already starts with https://).
func (d *Deployed) CognitoUserPool(logicalID, region, poolID string) {
	d.init()
	host := "cognito-idp." + region + ".amazonaws.com/" + poolID
	d.Refs[logicalID] = poolID
	d.Attrs[logicalID+".ProviderName"] = host
	d.Attrs[logicalID+".ProviderURL"] = "https://" + host
	d.Attrs[logicalID+".Arn"] = "arn:aws:cognito-idp:" + region + ":123456789012:userpool/" + poolID
	d.Attrs[logicalID+".UserPoolId"] = poolID
}

// Commercial sets the pseudo parameters of an account in region of the aws
// partition.
func (d *Deployed) Commercial(region string) {
	d.init()
	d.Pseudo["AWS::Region"] = region
	d.Pseudo["AWS::URLSuffix"] = "amazonaws.com"
	d.Pseudo["AWS::Partition"] = "aws"
	d.Pseudo["AWS::AccountId"] = "123456789012"
}

func (d *Deployed) init() {
	if d.Pseudo == nil {
		d.Pseudo = map[string]string{}
	}
	if d.Refs == nil {
		d.Refs = map[string]string{}
	}
	if d.Attrs == nil {
		d.Attrs = map[string]string{}
	}
}

// Resolve evaluates a template value (as decoded from JSON) to the string
// CloudFormation would deploy: literals, Ref, Fn::GetAtt, Fn::Join, and
// Fn::Select of Fn::Split. It fails on anything it does not know rather than
// guessing.
func (d *Deployed) Resolve(v interface{}) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case map[string]interface{}:
		if len(x) != 1 {
			return "", fmt.Errorf("not an intrinsic function: %v", x)
		}
		for fn, arg := range x {
			switch fn {
			case "Ref":
				name, _ := arg.(string)
				if s, ok := d.Pseudo[name]; ok {
					return s, nil
				}
				if s, ok := d.Refs[name]; ok {
					return s, nil
				}
				//lint:ignore ST1005 starts with a CloudFormation intrinsic's name
				return "", fmt.Errorf("Ref %q is not deployed", name)
			case "Fn::GetAtt":
				parts, _ := arg.([]interface{})
				if len(parts) != 2 {
					return "", fmt.Errorf("Fn::GetAtt %v: want [logicalId, attribute]", arg)
				}
				key := fmt.Sprint(parts[0]) + "." + fmt.Sprint(parts[1])
				if s, ok := d.Attrs[key]; ok {
					return s, nil
				}
				return "", fmt.Errorf("Fn::GetAtt %s is not deployed", key)
			case "Fn::Join":
				parts, _ := arg.([]interface{})
				if len(parts) != 2 {
					return "", fmt.Errorf("Fn::Join %v: want [delimiter, list]", arg)
				}
				sep, _ := parts[0].(string)
				items, _ := parts[1].([]interface{})
				out := make([]string, len(items))
				for i, it := range items {
					s, err := d.Resolve(it)
					if err != nil {
						return "", err
					}
					out[i] = s
				}
				return strings.Join(out, sep), nil
			case "Fn::Select":
				parts, _ := arg.([]interface{})
				if len(parts) != 2 {
					return "", fmt.Errorf("Fn::Select %v: want [index, list]", arg)
				}
				idx := fmt.Sprint(parts[0])
				list, err := d.resolveList(parts[1])
				if err != nil {
					return "", err
				}
				i, err := strconv.Atoi(idx)
				if err != nil || i < 0 || i >= len(list) {
					return "", fmt.Errorf("Fn::Select index %s out of %d items", idx, len(list))
				}
				return list[i], nil
			}
			return "", fmt.Errorf("intrinsic %s is not supported by cdktest.Resolve", fn)
		}
	}
	return "", fmt.Errorf("cannot resolve %T %v", v, v)
}

// resolveList evaluates a list value: a literal list or Fn::Split.
func (d *Deployed) resolveList(v interface{}) ([]string, error) {
	switch x := v.(type) {
	case []interface{}:
		out := make([]string, len(x))
		for i, it := range x {
			s, err := d.Resolve(it)
			if err != nil {
				return nil, err
			}
			out[i] = s
		}
		return out, nil
	case map[string]interface{}:
		if arg, ok := x["Fn::Split"].([]interface{}); ok && len(x) == 1 && len(arg) == 2 {
			sep, _ := arg[0].(string)
			s, err := d.Resolve(arg[1])
			if err != nil {
				return nil, err
			}
			return strings.Split(s, sep), nil
		}
	}
	return nil, fmt.Errorf("not a list: %v", v)
}
